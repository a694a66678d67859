import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectOptions } from '../ssh/index.js';

// Pieces of a fleet run that `apply` and `schedule run` share. run-apply.ts has the same code
// inline today; it is meant to use these (see the note in the issue 8 report).

export function connectOptionsFor(args: {
  knownHosts?: string | undefined;
  acceptNewHostKeys: boolean;
  connectTimeoutSec: number;
}): ConnectOptions {
  return {
    knownHostsFile: args.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'),
    acceptNewHostKeys: args.acceptNewHostKeys,
    connectTimeoutMs: args.connectTimeoutSec * 1000,
    agentSocket: process.env.SSH_AUTH_SOCK,
  };
}

/**
 * SIGINT/SIGTERM (Ctrl-C, systemd's RuntimeMaxSec= or stop) abort the run gracefully: no new
 * work starts, running commands finish or time out, reports are still written. A second
 * signal gets the default action, i.e. quits at once.
 */
export function abortOnSignals(): { signal: AbortSignal; abort(reason: string): void; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => abort(`${signal}`);
  const dispose = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  const abort = (reason: string) => {
    if (controller.signal.aborted) return;
    process.stderr.write(
      `\nnetfix: ${reason}: starting no new work; running commands finish or time out (a second signal quits at once)\n`,
    );
    controller.abort();
    dispose();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, abort, dispose };
}
