import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { formatEndpoint } from './connect-errors.js';
import { handshake } from './handshake.js';
import type { Endpoint } from './resolve-target.js';
import { ConnectError, type ConnectOptions } from './transport.js';

// Jump host (bastion) connections, shared by the hosts behind them: each host's SSH connection
// runs inside one direct-tcpip channel of a jump connection. OpenSSH does not count these
// channels against MaxSessions (measured on the lab's sshd: 25 channels and a session on one
// connection with MaxSessions 10), but one connection carries all their traffic through one
// sshd process and one TCP window, so a jump connection takes at most channelsPerJumpConnection
// hosts and the next ones open another. The count of new connections a bastion sees at once stays
// well under MaxStartups' default 10 for a few dozen hosts.

const channelsPerJumpConnection = 10;
/** A connection nobody uses lingers this long, so the next host of a run (--forks) can take it. */
const idleCloseMs = 1000;

export interface JumpChannel {
  stream: Duplex;
  /** Frees the slot on the jump connection; idempotent. */
  release(): void;
}

interface JumpConnection {
  users: number;
  ready: Promise<Client>;
  dead: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  close(): void;
}

const connectionsByChain = new Map<string, JumpConnection[]>();

function describeHop(hop: Endpoint): string {
  return `jump host ${hop.name} (${hop.user}@${formatEndpoint(hop.address, hop.port)})`;
}

/**
 * A channel through `hops` (first hop first) to `destination`. Errors name the jump host that
 * failed, prefixed with `where` (the host behind it).
 */
export async function openJumpChannel(
  hops: readonly Endpoint[],
  destination: Pick<Endpoint, 'address' | 'port'>,
  options: ConnectOptions,
  where: string,
): Promise<JumpChannel> {
  const lease = leaseSlot(hops, options);
  try {
    const client = await lease.ready;
    const stream = await forwardOut(client, hops.at(-1)!, destination, options.connectTimeoutMs);
    return { stream, release: lease.release };
  } catch (error) {
    lease.release();
    if (error instanceof ConnectError) throw new ConnectError(error.reason, `${where}: ${error.message}`);
    throw error;
  }
}

/** Takes a slot on a jump connection to the last hop with room, opening one if none has. */
function leaseSlot(
  hops: readonly Endpoint[],
  options: ConnectOptions,
): { ready: Promise<Client>; release(): void } {
  const key = hops
    .map((hop) => `${hop.user}@${hop.address}:${hop.port} ${hop.privateKeyFile ?? ''} ${hop.knownHostsFile}`)
    .join(' > ');
  let pool = connectionsByChain.get(key);
  if (!pool) {
    pool = [];
    connectionsByChain.set(key, pool);
  }
  let connection = pool.find((candidate) => !candidate.dead && candidate.users < channelsPerJumpConnection);
  if (!connection) {
    connection = openJumpConnection(hops, options, pool);
    pool.push(connection);
  }
  const taken = connection;
  taken.users++;
  clearTimeout(taken.idleTimer);
  let released = false;
  return {
    ready: taken.ready,
    release: () => {
      if (released) return;
      released = true;
      taken.users--;
      if (taken.users === 0 && !taken.dead) taken.idleTimer = setTimeout(() => taken.close(), idleCloseMs);
    },
  };
}

function openJumpConnection(
  hops: readonly Endpoint[],
  options: ConnectOptions,
  pool: JumpConnection[],
): JumpConnection {
  const hop = hops.at(-1)!;
  const connection: JumpConnection = {
    users: 0,
    dead: false,
    idleTimer: undefined,
    ready: Promise.resolve(undefined as never),
    close: () => undefined,
  };
  const forget = () => {
    connection.dead = true;
    clearTimeout(connection.idleTimer);
    const index = pool.indexOf(connection);
    if (index !== -1) pool.splice(index, 1);
  };
  connection.ready = (async () => {
    // A chain: this hop is reached through a channel of the connection to the hop before it.
    const upstream =
      hops.length > 1 ? await openJumpChannel(hops.slice(0, -1), hop, options, describeHop(hop)) : undefined;
    let client: Client;
    try {
      client = await handshake(hop, options, describeHop(hop), upstream?.stream);
    } catch (error) {
      upstream?.stream.destroy();
      upstream?.release();
      throw error;
    }
    // Listening from the start: an unheard 'error' would crash the process. A lost jump
    // connection ends the channels in it, and each host behind it sees its own connection lost.
    client.on('error', () => undefined);
    client.once('close', () => {
      forget();
      upstream?.release();
    });
    connection.close = () => {
      forget();
      client.end();
    };
    return client;
  })();
  // Failed connections leave the pool at once: the next host tries afresh.
  connection.ready.catch(forget);
  return connection;
}

function forwardOut(
  client: Client,
  hop: Endpoint,
  destination: Pick<Endpoint, 'address' | 'port'>,
  timeoutMs: number,
): Promise<Duplex> {
  const to = formatEndpoint(destination.address, destination.port);
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(
        new ConnectError(
          'timeout',
          `${describeHop(hop)} did not open a connection to ${to} within ${timeoutMs / 1000}s`,
        ),
      );
    }, timeoutMs);
    const done = (error: Error | undefined, stream: Duplex | undefined) => {
      if (settled) {
        stream?.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (stream && !error) return resolve(stream);
      const cause = error?.message ?? 'no channel';
      const reason = /refused/i.test(cause)
        ? 'refused'
        : /prohibited/i.test(cause)
          ? 'protocol'
          : 'host-unreachable';
      const hint = reason === 'protocol' ? ' (does its sshd allow it? AllowTcpForwarding, PermitOpen)' : '';
      reject(new ConnectError(reason, `${describeHop(hop)} could not connect to ${to}: ${cause}${hint}`));
    };
    try {
      client.forwardOut('127.0.0.1', 0, destination.address, destination.port, done);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
