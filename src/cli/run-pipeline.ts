import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { exitCodes, InputError } from '../errors.js';
import { formatDuration } from '../schedule/duration.js';
import {
  type ConnectOptions,
  type ConnectTarget,
  loadKeysFor,
  parseSshConfig,
  type SshConfig,
} from '../ssh/index.js';
import { passphraseEnvVar, passphraseSource } from './key-passphrase.js';

// Pieces of a fleet run that `apply` and `schedule run` share. run-apply.ts has the same code
// inline today; it is meant to use these (see the note in the issue 8 report).

export function connectOptionsFor(args: {
  knownHosts?: string | undefined;
  acceptNewHostKeys: boolean;
  connectTimeoutSec: number;
  /** --ssh-config: a file, or `none`; default ~/.ssh/config when it exists. */
  sshConfig?: string | undefined;
  askKeyPassphrase?: boolean | undefined;
}): ConnectOptions {
  const passphrases = passphraseSource({ ask: args.askKeyPassphrase ?? false, env: process.env });
  return {
    knownHostsFile: args.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'),
    knownHostsFileFromFlag: args.knownHosts !== undefined,
    acceptNewHostKeys: args.acceptNewHostKeys,
    connectTimeoutMs: args.connectTimeoutSec * 1000,
    agentSocket: process.env.SSH_AUTH_SOCK,
    sshConfig: readSshConfig(args.sshConfig),
    ...(passphrases ? { passphrases } : {}),
  };
}

/** Its warnings (Include, Match, bad lines) go to stderr once per run; a named file must exist. */
function readSshConfig(flag: string | undefined): SshConfig | undefined {
  if (flag === 'none') return undefined;
  const path = flag ?? join(homedir(), '.ssh', 'config');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (flag === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError([
      { file: '--ssh-config', line: 0, col: 0, field: '', message: `${path}: ${(error as Error).message}` },
    ]);
  }
  const config = parseSshConfig(text, path);
  for (const warning of config.warnings)
    process.stderr.write(`netfix: ${warning.file}:${warning.line}: ${warning.message}\n`);
  return config;
}

/**
 * With --ask-key-passphrase, every key is read (and its passphrase asked) before the run starts,
 * while the terminal is still free. A prompt needs a terminal: without one, say how else.
 */
export async function unlockKeysBeforeRun(
  askKeyPassphrase: boolean,
  targets: readonly ConnectTarget[],
  options: ConnectOptions,
): Promise<void> {
  if (!askKeyPassphrase) return;
  if (!process.stdin.isTTY) {
    throw new InputError([
      {
        file: '--ask-key-passphrase',
        line: 0,
        col: 0,
        field: '',
        message: `stdin is not a terminal to ask on; set the passphrase in ${passphraseEnvVar} instead`,
      },
    ]);
  }
  await loadKeysFor(targets, options);
}

export interface RunAbort {
  /** Given to the engine: aborted by a signal (no reason) or by --max-runtime (its reason). */
  signal: AbortSignal;
  /** The engine's deadline, when --max-runtime set one. */
  deadline: number | undefined;
  /** The signal that interrupted the run, if one did. */
  received(): NodeJS.Signals | undefined;
  dispose(): void;
}

/**
 * SIGINT/SIGTERM (Ctrl-C, systemd's RuntimeMaxSec= or stop) abort the run gracefully: no new
 * work starts, running commands finish or time out, reports are still written. A second
 * signal gets the default action, i.e. quits at once. `maxRuntimeSec` stops the run the same
 * way when it is reached, and commands still running then time out at that moment.
 */
export function abortOnSignals(maxRuntimeSec?: number): RunAbort {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received = signal;
    stop(signal);
  };
  const deadline = maxRuntimeSec ? Date.now() + maxRuntimeSec * 1000 : undefined;
  const timer = maxRuntimeSec
    ? setTimeout(() => stop(`--max-runtime ${formatDuration(maxRuntimeSec)} reached`), maxRuntimeSec * 1000)
    : undefined;
  const dispose = () => {
    clearTimeout(timer);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  const stop = (why: string) => {
    if (controller.signal.aborted) return;
    process.stderr.write(
      `\nnetfix: ${why}: starting no new work; running commands finish or time out${received ? ' (a second signal quits at once)' : ''}\n`,
    );
    // The engine tells a stop (reason given, the run "stopped") from an interrupt (none).
    controller.abort(received ? undefined : why);
    dispose();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, deadline, received: () => received, dispose };
}

/** 143 instead of 130 when SIGTERM (systemd stop, kill) interrupted the run. */
export function exitCodeAfter(code: number, received: NodeJS.Signals | undefined): number {
  return code === exitCodes.interrupted && received === 'SIGTERM' ? exitCodes.terminated : code;
}
