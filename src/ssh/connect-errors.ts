import { ConnectError, type ConnectTarget } from './transport.js';

// ssh2 reports failures as plain Errors with a `level` (its own stage) and, for socket errors,
// Node's errno `code`. This turns them into the reasons the run result shows for an unreachable
// host, each message naming the host, the address and port, and the cause.

/** The error shape ssh2 emits: a plain Error with its stage and, from the socket, an errno code. */
export type Ssh2Error = Error & { level?: string; code?: string };

export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** "web1 (10.0.0.5:22)", the prefix of every message about a host. */
export function describeTarget(target: ConnectTarget): string {
  return `${target.name} (${formatEndpoint(target.address, target.port)})`;
}

export interface ConnectAttempt {
  target: ConnectTarget;
  /** The message prefix when it is not describeTarget(target): "web1 (10.0.0.5:22 via bastion)". */
  where?: string | undefined;
  connectTimeoutMs: number;
  /** "publickey with /root/.ssh/id_ed25519" or "the agent at /run/agent.sock". */
  authMethod: string;
  /** Methods the server said it accepts, once it has refused one. */
  serverAuthMethods: readonly string[] | undefined;
}

export function connectErrorFrom(error: Ssh2Error, attempt: ConnectAttempt): ConnectError {
  const { target } = attempt;
  const where = attempt.where ?? describeTarget(target);
  const cause = error.code ? `${error.code}: ${error.message}` : error.message;
  switch (error.code) {
    case 'ECONNREFUSED':
      return new ConnectError(
        'refused',
        `${where}: connection refused (${cause}); no sshd listens on port ${target.port}, or a firewall rejects it`,
      );
    case 'ETIMEDOUT':
      return new ConnectError('timeout', `${where}: TCP connection timed out (${cause})`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectError('host-unreachable', `${where}: no route to the host (${cause})`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new ConnectError('dns', `${where}: cannot resolve ${target.address} (${cause})`);
    case 'ECONNRESET':
    case 'EPIPE':
      return closedEarly(where, cause);
  }
  switch (error.level) {
    case 'client-timeout':
      return new ConnectError(
        'timeout',
        `${where}: no SSH session within ${attempt.connectTimeoutMs / 1000}s (${cause})`,
      );
    case 'client-authentication': {
      const accepted = attempt.serverAuthMethods?.length
        ? `; the server accepts: ${attempt.serverAuthMethods.join(', ')}`
        : '';
      return new ConnectError(
        'auth',
        `${where}: authentication as ${target.user} failed: tried ${attempt.authMethod}${accepted}`,
      );
    }
    case 'agent':
      return new ConnectError('auth', `${where}: cannot use ${attempt.authMethod}: ${error.message}`);
  }
  if (/before handshake/i.test(error.message)) return closedEarly(where, cause);
  return new ConnectError('protocol', `${where}: SSH handshake failed: ${cause}`);
}

function closedEarly(where: string, cause: string): ConnectError {
  return new ConnectError(
    'protocol',
    `${where}: the server closed the connection during the handshake (${cause}); sshd may be ` +
      'throttling new connections (MaxStartups, PerSourcePenalties) or refusing this client (tcpwrappers, AllowUsers)',
  );
}
