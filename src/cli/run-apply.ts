import { homedir } from 'node:os';
import { join } from 'node:path';
import { type RunResult, runFleet } from '../engine/index.js';
import { exitCodes } from '../errors.js';
import {
  groupedChangesLines,
  plainProgress,
  recapLines,
  taskLine,
  ttyProgress,
  writeJsonReport,
} from '../report/index.js';
import { connect } from '../ssh/index.js';
import { netfixVersion } from '../version.js';
import type { ApplyArgs } from './apply.js';
import { loadRunInput } from './load-run-input.js';

const MAX_FORKS = 500;

export async function runApply(argv: ApplyArgs): Promise<number> {
  const hosts = await loadRunInput({
    inventories: argv.inventory,
    playbooks: argv.playbooks ?? [],
    limit: argv.limit,
    extraVars: argv['extra-vars'],
  });
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `\nnetfix: ${signal}: starting no new work; running commands finish or time out (${signal} again to quit at once)\n`,
    );
    abort.abort();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // A pty without a size (script(1), some CI runners) would make listr2 wrap every character.
  const tty = Boolean(process.stdout.isTTY) && (process.stdout.columns ?? 0) >= 40 && !argv.verbose;
  const progress = tty
    ? ttyProgress(hosts.length)
    : plainProgress({ diff: argv.diff, verbose: argv.verbose, check: argv.check });
  const connectOptions = {
    knownHostsFile: argv['known-hosts'] ?? join(homedir(), '.ssh', 'known_hosts'),
    acceptNewHostKeys: argv['accept-new-host-keys'],
    connectTimeoutMs: argv['connect-timeout'] * 1000,
    agentSocket: process.env.SSH_AUTH_SOCK,
  };
  let result: RunResult;
  try {
    result = await progress.wrap(() =>
      runFleet(hosts, {
        check: argv.check,
        commandTimeoutMs: argv.timeout * 1000,
        forks: Math.min(argv.forks ?? hosts.length, MAX_FORKS),
        connect: (target) => connect(target, connectOptions),
        signal: abort.signal,
        onEvent: (event) => progress.onEvent(event),
        netfixVersion,
      }),
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const out: string[] = [];
  if (tty) {
    // The live view showed counts only: now the details of what changed or failed.
    for (const host of result.hosts)
      for (const task of host.tasks)
        if (
          task.status === 'changed' ||
          task.status === 'failed' ||
          (task.status === 'would_change' && !argv.check)
        )
          out.push(...taskLine(host.name, task, { diff: argv.diff }));
  }
  if (argv.check) out.push('', ...groupedChangesLines(result));
  out.push('', ...recapLines(result, { stats: argv.stats }));
  process.stdout.write(`${out.join('\n')}\n`);
  if (argv.report) {
    await writeJsonReport(argv.report, result);
    process.stdout.write(`report written to ${argv.report}\n`);
  }
  return exitCodeFor(result);
}

export function exitCodeFor(result: RunResult): number {
  if (result.interrupted) return exitCodes.interrupted;
  if (result.hosts.some((host) => host.status === 'failed')) return exitCodes.taskFailed;
  if (result.hosts.some((host) => host.status === 'unreachable')) return exitCodes.unreachable;
  if (result.mode === 'check' && result.hosts.some((host) => host.status === 'changed'))
    return exitCodes.checkChanges;
  return exitCodes.ok;
}
