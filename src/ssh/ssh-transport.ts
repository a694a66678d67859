import type { Client } from 'ssh2';
import { InternalError } from '../errors.js';
import type { Sh } from '../shell/index.js';
import { execOnChannel } from './exec.js';
import { SessionLimiter } from './session-limiter.js';
import type { ExecOptions, ExecResult, Transport, TransportStats } from './transport.js';

// The Transport over one authenticated ssh2 connection: execs share it, at most
// maxChannelsPerConnection at a time, and all fail fast once it is gone.

/** Below sshd's default MaxSessions (10), leaving room for an exec that timed out and is closing. */
const maxChannelsPerConnection = 8;
const closeWaitMs = 2000;

export class SshTransport implements Transport {
  readonly counters: TransportStats = { connects: 0, execs: 0, bytesSent: 0, bytesReceived: 0 };
  readonly #limiter = new SessionLimiter(maxChannelsPerConnection);
  #lostReason: string | undefined;
  #closedByUs = false;
  #socketClosed = false;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly loginUser: string,
    /** "web1 (10.0.0.5:22)" */
    private readonly where: string,
  ) {
    // Listening from the start: an 'error' without a listener would crash the process, and after
    // the handshake these are how a dropped connection (keepalive timeout, reset) is noticed.
    client.on('error', (error: Error) => {
      this.#lostReason ??= error.message;
    });
    client.on('close', () => {
      this.#socketClosed = true;
      this.#lostReason ??= 'the server closed the connection';
    });
  }

  get stats(): TransportStats {
    return { ...this.counters };
  }

  async exec(script: Sh, options: ExecOptions): Promise<ExecResult> {
    if (this.#closedByUs) throw new InternalError(`${this.where}: exec after close: ${options.description}`);
    return execOnChannel(
      {
        client: this.client,
        limiter: this.#limiter,
        counters: this.counters,
        where: this.where,
        loginUser: this.loginUser,
        connectionLost: () => this.#lostReason,
      },
      script,
      options,
    );
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#closedByUs = true;
      this.#lostReason ??= 'closed by netfix';
      if (this.#socketClosed) return resolve();
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, closeWaitMs);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
    return this.#closing;
  }
}
