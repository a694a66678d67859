import ssh2 from 'ssh2';
import { authHandlerFor, chooseAuth } from './auth.js';
import { type ConnectAttempt, connectErrorFrom, describeTarget, type Ssh2Error } from './connect-errors.js';
import { hostKeyCheck } from './host-key-check.js';
import type { HostKeyContext } from './host-key-messages.js';
import { preferredHostKeyAlgorithms } from './host-key-verifier.js';
import { knownHostsName } from './known-hosts.js';
import { loadKnownHosts } from './known-hosts-store.js';
import { SshTransport } from './ssh-transport.js';
import { ConnectError, type ConnectOptions, type ConnectTarget, type Transport } from './transport.js';

// One ssh2 connection per host for the whole run: the handshake with host key checking and
// authentication; what comes out is a Transport whose execs share the connection.

/** A dead peer is noticed after about 45 s instead of at the TCP timeout (minutes). */
const keepaliveIntervalMs = 15_000;
const keepaliveCountMax = 3;

export async function connect(target: ConnectTarget, options: ConnectOptions): Promise<Transport> {
  const where = describeTarget(target);
  // Both before any socket opens: a bad key file or known_hosts fails without touching the host.
  const auth = await chooseAuth(target, options);
  const knownHosts = await loadKnownHosts(options.knownHostsFile).catch((error: Error) => {
    throw new ConnectError(
      'host-key-unknown',
      `${where}: cannot read known_hosts file ${options.knownHostsFile}: ${error.message}`,
    );
  });
  const hostKeys: HostKeyContext = {
    where,
    address: target.address,
    port: target.port,
    hostName: knownHostsName(target.address, target.port),
    knownHostsFile: options.knownHostsFile,
  };
  const check = hostKeyCheck(knownHosts, hostKeys, options.acceptNewHostKeys);
  const attempt: ConnectAttempt = {
    target,
    connectTimeoutMs: options.connectTimeoutMs,
    authMethod: auth.description,
    serverAuthMethods: undefined,
  };
  const serverHostKey = preferredHostKeyAlgorithms(knownHosts, hostKeys.hostName);

  const client = new ssh2.Client();
  const transport = new SshTransport(client, target.user, where);
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (error?: ConnectError) => {
      if (done) return;
      done = true;
      client.off('ready', onReady).off('error', onError).off('close', onClose);
      if (!error) return resolve();
      client.destroy();
      reject(error);
    };
    // ssh2 reports a refused host key only as "Host denied"; the check knows why.
    const onReady = () => finish();
    const onError = (error: Ssh2Error) => finish(check.failure() ?? connectErrorFrom(error, attempt));
    const onClose = () =>
      finish(
        check.failure() ??
          new ConnectError('protocol', `${where}: connection closed during the SSH handshake`),
      );
    client.on('ready', onReady).on('error', onError).on('close', onClose);
    try {
      client.connect({
        host: target.address,
        port: target.port,
        username: target.user,
        readyTimeout: options.connectTimeoutMs,
        keepaliveInterval: keepaliveIntervalMs,
        keepaliveCountMax,
        ...(serverHostKey ? { algorithms: { serverHostKey } } : {}),
        hostVerifier: check.verifier,
        authHandler: authHandlerFor(auth, (methods) => {
          attempt.serverAuthMethods = methods;
        }),
      });
    } catch (error) {
      finish(new ConnectError('protocol', `${where}: cannot start SSH: ${(error as Error).message}`));
    }
  });
  transport.counters.connects++;
  return transport;
}
