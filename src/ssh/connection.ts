import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { chooseAuth } from './auth.js';
import { formatEndpoint } from './connect-errors.js';
import { handshake } from './handshake.js';
import { openJumpChannel } from './jump-pool.js';
import { loadPrivateKey } from './private-keys.js';
import { resolveTarget } from './resolve-target.js';
import { SshTransport } from './ssh-transport.js';
import type { ConnectOptions, ConnectTarget, Transport } from './transport.js';

// One ssh2 connection per host for the whole run: the handshake with host key checking and
// authentication, straight to the host or through a channel of a (shared) jump host connection;
// what comes out is a Transport whose execs share the connection.

export async function connect(target: ConnectTarget, options: ConnectOptions): Promise<Transport> {
  const { endpoint, jumps } = resolveTarget(target, options);
  const lastJump = jumps.at(-1);
  const via = lastJump ? ` via ${lastJump.name}` : '';
  const where = `${endpoint.name} (${formatEndpoint(endpoint.address, endpoint.port)}${via})`;
  let channel: { stream: Duplex; release(): void } | undefined;
  if (jumps.length > 0) {
    // The host's own key first: no jump connection for a host that could not log in anyway.
    await chooseAuth(endpoint, options, where);
    channel = await openJumpChannel(jumps, endpoint, options, where);
  }
  let client: Client;
  try {
    client = await handshake(endpoint, options, where, channel?.stream);
  } catch (error) {
    channel?.stream.destroy();
    channel?.release();
    throw error;
  }
  const transport = new SshTransport(client, endpoint.user, where);
  // The jump connection's slot is held as long as this host's connection lives.
  if (channel) client.once('close', channel.release);
  transport.counters.connects++;
  return transport;
}

/**
 * Reads, and decrypts, every private key file the targets and their jump hosts use, one file
 * at a time, before a run: a passphrase prompt must not interleave with the run's output. A key
 * that fails here fails again, with its message, on each host that uses it.
 */
export async function loadKeysFor(targets: readonly ConnectTarget[], options: ConnectOptions): Promise<void> {
  const files = new Set<string>();
  for (const target of targets) {
    try {
      const { endpoint, jumps } = resolveTarget(target, options);
      for (const { privateKeyFile } of [...jumps, endpoint]) if (privateKeyFile) files.add(privateKeyFile);
    } catch {
      // Reported by connect() for that host.
    }
  }
  for (const file of files) await loadPrivateKey(file, options.passphrases).catch(() => undefined);
}
