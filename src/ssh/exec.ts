import type { Client, ClientChannel } from 'ssh2';
import { parseStuckProcesses, type StuckProcess } from '../proc/stuck-processes.js';
import type { Sh } from '../shell/index.js';
import {
  becomeUserOf,
  diagnoseAndKillScript,
  remoteCommand,
  takeStartMarker,
  wrapScript,
} from './remote-command.js';
import type { SessionLimiter } from './session-limiter.js';
import { classifySudoFailure } from './sudo-messages.js';
import {
  BecomeError,
  ConnectError,
  ConnectionLostError,
  type ExecOptions,
  type ExecResult,
  ExecTimeoutError,
  type TransportStats,
} from './transport.js';

// One exec is one session channel: open, write the script to the remote sh's stdin, collect
// stdout and stderr until the channel closes. Everything about a single channel lives here; the
// connection it runs on is the ExecHost.

export interface ExecHost {
  readonly client: Client;
  readonly limiter: SessionLimiter;
  /** Mutated here: execs, bytesSent, bytesReceived. */
  readonly counters: TransportStats;
  /** "web1 (10.0.0.5:22)" */
  readonly where: string;
  readonly loginUser: string;
  /** Why the connection is gone, once it is. */
  connectionLost(): string | undefined;
}

/** After a timeout the channel's slot is kept until sshd confirms the close, but not longer than this. */
const closeGraceMs = 2000;
/** How long a timeout waits for the leftovers to be described and killed before it is reported anyway (generous: a loaded host answers slowly, and the report is worth the wait). */
const killWaitMs = 10_000;

interface RunOutcome {
  stdout: string;
  /** Still holding the start marker. */
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
}

export async function execOnChannel(
  host: ExecHost,
  script: Sh,
  options: ExecOptions,
  /** false for the kill itself, so that a host where everything hangs does not get a kill chain. */
  killLeftovers = true,
): Promise<ExecResult> {
  const command = remoteCommand(options.become);
  const payload = wrapScript(script);
  throwIfLost(host, options.description);
  const release = await host.limiter.acquire();
  try {
    throwIfLost(host, options.description);
  } catch (error) {
    release();
    throw error;
  }
  const outcome = await runChannel(host, command, payload, options.timeoutMs, release);
  if (outcome.timedOut) {
    const marked = takeStartMarker(outcome.stderr);
    // sshd ignores the channel's KILL for root logins (the session runs in its privileged
    // monitor) and sends it with the login user's rights under sudo; so kill from a second exec.
    let leftovers: StuckProcess[] = [];
    if (killLeftovers && marked.process && !host.connectionLost()) {
      const kill = execOnChannel(
        host,
        diagnoseAndKillScript(marked.process),
        {
          timeoutMs: killWaitMs,
          become: options.become,
          description: `kill what "${options.description}" left running`,
        },
        false,
      );
      const killed = await Promise.race([kill.catch(() => undefined), delay(killWaitMs)]);
      // The report lists the exec's own sh and the sudo/login shell around it too: keep only what
      // the script started (the sh itself is its own leader and not what hangs).
      if (killed)
        leftovers = parseStuckProcesses(killed.stdout).filter((found) => found.pid !== marked.process?.pid);
    }
    throw new ExecTimeoutError(
      options.description,
      options.timeoutMs,
      outcome.stdout,
      marked.stderr,
      leftovers,
    );
  }
  return interpret(host, options, outcome);
}

/** Never rejects for the command's sake; only for a channel that could not be opened. */
function runChannel(
  host: ExecHost,
  command: string,
  payload: Buffer,
  timeoutMs: number,
  release: () => void,
): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve, reject) => {
    const startedAt = performance.now();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exitCode: number | null = null;
    let signal: string | null = null;
    let settled = false;
    let channel: ClientChannel | undefined;

    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({
        stdout: decode(stdout),
        stderr: decode(stderr),
        exitCode,
        signal,
        durationMs: Math.round(performance.now() - startedAt),
        timedOut,
      });
    };

    const deadline = setTimeout(() => {
      if (channel) stopChannel(channel);
      // The slot is freed by the channel's close; the grace covers a server that never sends it.
      setTimeout(release, closeGraceMs).unref();
      finish(true);
    }, timeoutMs);

    const fail = (error: Error) => {
      release();
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      reject(error);
    };

    const onChannel = (openError: Error | undefined, opened: ClientChannel) => {
      if (openError) return fail(openError);
      channel = opened;
      if (settled) {
        // Timed out while the channel was opening: nothing to run any more.
        opened.on('close', release);
        stopChannel(opened);
        return;
      }
      let closed = false;
      let stderrEnded = false;
      const maybeDone = () => {
        if (closed && stderrEnded) finish(false);
      };
      opened.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        host.counters.bytesReceived += chunk.length;
      });
      opened.stderr.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        host.counters.bytesReceived += chunk.length;
      });
      opened.on('exit', (code: number | null, signalName?: string) => {
        exitCode = code;
        signal = signalName ?? null;
      });
      // A write after the server closed the channel surfaces here; 'close' follows and settles.
      opened.on('error', () => undefined);
      const onStderrEnd = () => {
        stderrEnded = true;
        maybeDone();
      };
      opened.stderr.once('end', onStderrEnd).once('close', onStderrEnd);
      opened.on('close', () => {
        closed = true;
        release();
        maybeDone();
      });
      opened.write(payload);
      host.counters.bytesSent += payload.length;
    };

    host.counters.execs++;
    try {
      host.client.exec(command, onChannel);
    } catch (error) {
      // ssh2 throws synchronously when the socket is already gone.
      fail(error as Error);
    }
  }).catch((error: Error) => {
    throw channelOpenError(host, error);
  });
}

function interpret(host: ExecHost, options: ExecOptions, outcome: RunOutcome): ExecResult {
  const marked = takeStartMarker(outcome.stderr);
  const { stdout, exitCode, signal, durationMs } = outcome;
  const result: ExecResult = { stdout, stderr: marked.stderr, exitCode, signal, durationMs };
  const lost = host.connectionLost();
  if (lost && result.exitCode === null && result.signal === null) {
    throw lostError(host, options.description, lost, stdout);
  }
  if (!options.become || marked.started) return result;
  const becomeUser = becomeUserOf(options.become);
  const failure = classifySudoFailure({ ...result, loginUser: host.loginUser, becomeUser });
  if (!failure) return result;
  throw new BecomeError(
    failure.kind,
    `${host.where}: sudo -n -u ${becomeUser} did not run "${options.description}": ${failure.explanation} ` +
      `(the host said: ${failure.line})`,
    result.stderr,
  );
}

/** KILL reaches the remote process group where sshd honours "signal" (7.9+, non-root logins). */
function stopChannel(channel: ClientChannel): void {
  try {
    channel.signal('KILL');
  } catch {
    // Not supported in this channel state; closing below still ends our side.
  }
  channel.close();
}

function throwIfLost(host: ExecHost, description: string): void {
  const lost = host.connectionLost();
  if (lost) throw lostError(host, description, lost);
}

function lostError(
  host: ExecHost,
  description: string,
  reason: string,
  partialStdout = '',
): ConnectionLostError {
  return new ConnectionLostError(
    `${host.where}: connection lost while running "${description}": ${reason}`,
    partialStdout,
  );
}

function channelOpenError(host: ExecHost, error: Error): Error {
  const lost = host.connectionLost();
  if (lost) return new ConnectionLostError(`${host.where}: connection lost: ${lost}`);
  return new ConnectError(
    'protocol',
    `${host.where}: sshd refused a session channel (${error.message}); check MaxSessions, ` +
      'ForceCommand and authorized_keys restrictions for this user',
  );
}

function decode(chunks: Buffer[]): string {
  // Decoded once at the end so that a multi-byte character split across packets stays whole.
  return Buffer.concat(chunks).toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
