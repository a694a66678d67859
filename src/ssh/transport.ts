import type { StuckProcess } from '../proc/stuck-processes.js';
import type { Sh } from '../shell/index.js';
import type { SshConfig } from './ssh-config.js';

// The one interface the engine depends on. ssh2 implements it (connection.ts); nothing else in
// netfix opens sockets to hosts.

/**
 * Counted per transport. Bytes are channel payload (script sent, stdout+stderr received, including
 * the one-line start marker each exec prints on stderr), not wire bytes. A timed-out exec counts
 * twice: the second exec kills what it left running.
 */
export interface TransportStats {
  connects: number;
  execs: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface BecomeSpec {
  /** Target user for `sudo -n -u`; root when absent. */
  user?: string | undefined;
}

export interface ExecOptions {
  /**
   * Per-command deadline, counted from when its channel is requested (not while it waits for one
   * of the connection's channels). On expiry the remote command is killed, the channel closed and
   * ExecTimeoutError thrown; the connection stays usable.
   */
  timeoutMs: number;
  /** Run through `sudo -n` (never prompts). */
  become?: BecomeSpec | undefined;
  /** One line saying what runs, for timeout messages ("probe 3 tasks", "apply: load br_netfilter"). */
  description: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** null when the remote process ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
}

export interface Transport {
  /** Runs `script` with /bin/sh on the host; the script travels on stdin, never in argv. */
  exec(script: Sh, options: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
  readonly stats: TransportStats;
}

/** Where and as whom to connect; built from inventory connection vars. */
export interface ConnectTarget {
  /** Inventory name, for messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string | undefined;
  /** ProxyJump from the inventory, as written: beats ssh config's. */
  proxyJump?: string | undefined;
  /**
   * Which of port and user the inventory left to defaults: ssh config may set those. Absent, the
   * target's port and user stand whatever ssh config says.
   */
  defaulted?: { port: boolean; user: boolean } | undefined;
}

/** Where a key's passphrase comes from; the passphrase itself is never part of a message. */
export interface PassphraseSource {
  /** How the operator gives one, for messages: "the NETFIX_SSH_PASSPHRASE environment variable". */
  describe: string;
  /** The passphrase to try for the `attempt`th time (from 1); undefined when there is no (other) one. */
  passphraseFor(keyFile: string, attempt: number): Promise<string | undefined>;
}

export interface ConnectOptions {
  knownHostsFile: string;
  /** knownHostsFile was given on the command line: ssh config's UserKnownHostsFile does not replace it. */
  knownHostsFileFromFlag?: boolean | undefined;
  /** Record unknown host keys (never changed ones) in knownHostsFile. */
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
  /** SSH_AUTH_SOCK, when set. */
  agentSocket?: string | undefined;
  /** The parsed ssh_config; undefined reads none. */
  sshConfig?: SshConfig | undefined;
  /** For encrypted private keys; without it they cannot be used. */
  passphrases?: PassphraseSource | undefined;
}

export type ConnectFailureReason =
  | 'refused'
  | 'timeout'
  | 'host-unreachable'
  | 'dns'
  | 'host-key-unknown'
  | 'host-key-changed'
  /** The offered key is marked `@revoked` in known_hosts. */
  | 'host-key-revoked'
  | 'auth'
  | 'key-file'
  | 'protocol';

/** The host could not be reached: status "unreachable" in the run result. */
export class ConnectError extends Error {
  override name = 'ConnectError';
  constructor(
    readonly reason: ConnectFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** A command ran past its deadline; the channel was closed. */
export class ExecTimeoutError extends Error {
  override name = 'ExecTimeoutError';
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    /** What the command had printed before the deadline. */
    readonly partialStdout: string,
    readonly partialStderr: string,
    /** What the command had left running when the deadline came, as read just before the kill. */
    readonly leftovers: StuckProcess[] = [],
  ) {
    super(`timed out after ${timeoutMs / 1000}s: ${description}`);
  }
}

export type BecomeFailureKind =
  | 'password-required'
  | 'tty-required'
  | 'not-in-sudoers'
  | 'not-allowed'
  | 'unknown-user'
  | 'sudo-missing';

/** sudo -n refused (a password or a tty is required, no rule, no sudo): the script did not run. */
export class BecomeError extends Error {
  override name = 'BecomeError';
  constructor(
    readonly kind: BecomeFailureKind,
    message: string,
    /** sudo's own words, as the host printed them. */
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** The connection dropped while a command ran. */
export class ConnectionLostError extends Error {
  override name = 'ConnectionLostError';
  constructor(
    message: string,
    /** What the command had printed before the connection went: how far it got. */
    readonly partialStdout = '',
  ) {
    super(message);
  }
}
