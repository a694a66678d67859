import type { Duplex } from 'node:stream';
import ssh2, { type Client } from 'ssh2';
import { authHandlerFor, chooseAuth } from './auth.js';
import { type ConnectAttempt, connectErrorFrom, type Ssh2Error } from './connect-errors.js';
import { hostKeyCheck } from './host-key-check.js';
import type { HostKeyContext } from './host-key-messages.js';
import { preferredHostKeyAlgorithms } from './host-key-verifier.js';
import { knownHostsName } from './known-hosts.js';
import { loadKnownHosts } from './known-hosts-store.js';
import type { Endpoint } from './resolve-target.js';
import { ConnectError, type ConnectOptions } from './transport.js';

// One SSH handshake, to a host or to a jump host: host key checked against known_hosts, then one
// authentication method. Failures come out as ConnectErrors that say why.

/** A dead peer is noticed after about 45 s instead of at the TCP timeout (minutes). */
const keepaliveIntervalMs = 15_000;
const keepaliveCountMax = 3;

/**
 * Connects and authenticates to one endpoint, over `sock` when given (a jump host's channel).
 * The returned client has no listeners left from the handshake: the caller adds its own.
 */
export async function handshake(
  endpoint: Endpoint,
  options: ConnectOptions,
  where: string,
  sock?: Duplex,
): Promise<Client> {
  // Both before any socket opens: a bad key file or known_hosts fails without touching the host.
  const auth = await chooseAuth(endpoint, options, where);
  const knownHosts = await loadKnownHosts(endpoint.knownHostsFile).catch((error: Error) => {
    throw new ConnectError(
      'host-key-unknown',
      `${where}: cannot read known_hosts file ${endpoint.knownHostsFile}: ${error.message}`,
    );
  });
  const hostKeys: HostKeyContext = {
    where,
    address: endpoint.address,
    port: endpoint.port,
    hostName: knownHostsName(endpoint.address, endpoint.port),
    knownHostsFile: endpoint.knownHostsFile,
  };
  const check = hostKeyCheck(knownHosts, hostKeys, endpoint.acceptNewHostKeys);
  const attempt: ConnectAttempt = {
    target: endpoint,
    where,
    connectTimeoutMs: options.connectTimeoutMs,
    authMethod: auth.description,
    serverAuthMethods: undefined,
  };
  const serverHostKey = preferredHostKeyAlgorithms(knownHosts, hostKeys.hostName);

  const client = new ssh2.Client();
  // ssh2 can still emit an error after a failed handshake's destroy() ("Connection lost before
  // handshake"); unheard, it would crash the process. Whoever keeps the client adds its own.
  client.on('error', () => undefined);
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
        host: endpoint.address,
        port: endpoint.port,
        ...(sock ? { sock } : {}),
        username: endpoint.user,
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
  return client;
}
