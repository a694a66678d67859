import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type HostWork, type RunResult, runFleet } from '../engine/index.js';
import { exitCodes, InputError, type InputProblem } from '../errors.js';
import { historyLocation, recordRunHistory } from '../history/index.js';
import {
  createRedactor,
  groupedChangesLines,
  groupedProblemsLines,
  openJsonlReport,
  plainProgress,
  prepareReportFiles,
  type Redactor,
  recapLines,
  ttyProgress,
  writeReportFiles,
} from '../report/index.js';
import { parseDuration } from '../schedule/duration.js';
import { formatShard, selectShard } from '../schedule/index.js';
import { statePaths } from '../schedule/state-dir.js';
import { connect } from '../ssh/index.js';
import type { ApplyArgs } from './apply.js';
import { loadRunInput } from './load-run-input.js';
import { abortOnSignals, connectOptionsFor, exitCodeAfter, unlockKeysBeforeRun } from './run-pipeline.js';
import { netfixVersion } from './version.js';

const MAX_FORKS = 500;

export async function runApply(argv: ApplyArgs): Promise<number> {
  const reports = prepareReportFiles({
    paths: argv.report,
    templatePaths: argv['report-template'],
    failOnChange: argv['fail-on-change'],
  });
  const reportProblems: InputProblem[] = reports.problems.map(({ flag, message }) => ({
    file: flag,
    line: 0,
    col: 0,
    field: '',
    message,
  }));
  let hosts: HostWork[];
  try {
    const all = loadRunInput({
      inventories: argv.inventory,
      playbooks: argv.playbooks ?? [],
      limit: argv.limit,
      extraVars: argv['extra-vars'],
      secretVars: argv['secret-vars'],
    });
    hosts = argv.shard ? selectShard(all, argv.shard) : all;
  } catch (error) {
    // One list of every input problem, the report flags' included.
    if (error instanceof InputError) throw new InputError([...error.problems, ...reportProblems]);
    throw error;
  }
  const durations = parseRunDurations(argv);
  reportProblems.push(...durations.problems);
  if (reportProblems.length > 0) throw new InputError(reportProblems);
  const redactor = redactorFor(hosts);
  const streams = reports.files
    .filter((file) => file.format === 'jsonl')
    .map((file) => {
      try {
        return openJsonlReport(file.path, {
          netfixVersion,
          mode: argv.check ? 'check' : 'apply',
          hosts: hosts.length,
        });
      } catch (error) {
        // Before any host is contacted: a stream that cannot be written is bad input.
        throw new InputError([
          {
            file: '--report',
            line: 0,
            col: 0,
            field: '',
            message: `${file.path}: ${(error as Error).message}`,
          },
        ]);
      }
    });
  const abort = abortOnSignals(durations.maxRuntimeSec);

  // A pty without a size (script(1), some CI runners) would make listr2 wrap every character.
  const tty = Boolean(process.stdout.isTTY) && (process.stdout.columns ?? 0) >= 40 && !argv.verbose;
  const progress = tty
    ? ttyProgress(hosts.length)
    : plainProgress({ verbose: argv.verbose, check: argv.check });
  const connectOptions = connectOptionsFor({
    knownHosts: argv['known-hosts'],
    acceptNewHostKeys: argv['accept-new-host-keys'],
    connectTimeoutSec: argv['connect-timeout'],
    sshConfig: argv['ssh-config'],
    askKeyPassphrase: argv['ask-key-passphrase'],
  });
  await unlockKeysBeforeRun(
    argv['ask-key-passphrase'],
    hosts.map((host) => host.target),
    connectOptions,
  );
  let rawResult: RunResult;
  try {
    rawResult = await progress.wrap(() =>
      runFleet(hosts, {
        check: argv.check,
        commandTimeoutMs: argv.timeout * 1000,
        forks: Math.min(argv.forks ?? hosts.length, MAX_FORKS),
        connect: (target) => connect(target, connectOptions),
        signal: abort.signal,
        deadline: abort.deadline,
        hostTimeoutMs: durations.hostTimeoutSec === undefined ? undefined : durations.hostTimeoutSec * 1000,
        batchPauseMs: durations.batchPauseSec === undefined ? undefined : durations.batchPauseSec * 1000,
        forceHandlers: argv['force-handlers'],
        // Secrets leave here, before any view or report sees an event.
        onEvent: (event) => {
          const safe = redactor.event(event);
          progress.onEvent(safe);
          for (const stream of streams) stream.event(safe);
        },
        netfixVersion,
      }),
    );
  } finally {
    abort.dispose();
  }

  const result = redactor.result(rawResult);

  // The live view showed counts, or lines as tasks finished: now the summary a person reads,
  // hosts with the same problems or changes grouped.
  const out: string[] = [...groupedProblemsLines(result)];
  out.push('', ...groupedChangesLines(result, { diff: argv.diff }));
  out.push('', ...recapLines(result, { stats: argv.stats }));
  process.stdout.write(`${out.join('\n')}\n`);
  for (const stream of streams) stream.end(result);
  const failures = await writeReportFiles(reports.files, result);
  for (const file of reports.files)
    if (!failures.some((failure) => failure.startsWith(`${file.path}: `)))
      process.stdout.write(`report written to ${file.path}\n`);
  for (const failure of failures) process.stderr.write(`netfix: report not written: ${failure}\n`);
  await recordHistory(argv, result);
  return exitCodeAfter(exitCodeFor(result), abort.received());
}

/** --max-runtime, --host-timeout, --batch-pause: durations, checked before any host is contacted. */
function parseRunDurations(argv: ApplyArgs): {
  maxRuntimeSec?: number;
  hostTimeoutSec?: number;
  batchPauseSec?: number;
  problems: InputProblem[];
} {
  const problems: InputProblem[] = [];
  const read = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const parsed = parseDuration(text);
    if ('error' in parsed) problems.push({ file: flag, line: 0, col: 0, field: '', message: parsed.error });
    else if (parsed.seconds === 0 && flag !== '--batch-pause')
      problems.push({ file: flag, line: 0, col: 0, field: '', message: 'must be longer than 0s' });
    else return parsed.seconds;
    return undefined;
  };
  const maxRuntimeSec = read('--max-runtime', argv['max-runtime']);
  const hostTimeoutSec = read('--host-timeout', argv['host-timeout']);
  const batchPauseSec = read('--batch-pause', argv['batch-pause']);
  return {
    ...(maxRuntimeSec === undefined ? {} : { maxRuntimeSec }),
    ...(hostTimeoutSec === undefined ? {} : { hostTimeoutSec }),
    ...(batchPauseSec === undefined ? {} : { batchPauseSec }),
    problems,
  };
}

/**
 * Every run goes to the history unless --no-history: after the reports, so that a corrupt or
 * locked database never costs the run's result; a failure is said, and changes no exit code.
 */
async function recordHistory(argv: ApplyArgs, result: RunResult): Promise<void> {
  const location = historyLocation({
    history: argv.history === false ? undefined : argv.history,
    noHistory: argv.history === false,
    defaultSqlitePath: statePaths(argv['state-dir']).history,
  });
  const runId = randomUUID();
  const jsonReport = (argv.report ?? []).find((path) => path.endsWith('.json'));
  const recorded = await recordRunHistory(result, {
    location,
    runId,
    schedule: undefined,
    shard: argv.shard ? formatShard(argv.shard) : undefined,
    runner: `${hostname()}:${process.pid}`,
    reportPath: jsonReport,
  });
  if (recorded.recorded) process.stdout.write(`history: run ${runId} recorded in ${recorded.location}\n`);
  else if (!recorded.skipped)
    process.stderr.write(
      `netfix: history: could not record run ${runId} in ${recorded.location}: ${recorded.error}\n`,
    );
}

/** Hides the values of --secret-vars everywhere, and what no_log tasks found and changed. */
function redactorFor(hosts: readonly HostWork[]): Redactor {
  const noLogSources = new Set<string>();
  for (const host of hosts)
    for (const play of host.plays)
      for (const task of [...play.tasks, ...play.handlers]) if (task.noLog) noLogSources.add(task.source);
  return createRedactor({ secrets: hosts.flatMap((host) => host.secretValues ?? []), noLogSources });
}

export function exitCodeFor(result: RunResult): number {
  if (result.interrupted) return exitCodes.interrupted;
  if (result.stopped || result.hosts.some((host) => host.status === 'failed')) return exitCodes.taskFailed;
  if (result.hosts.some((host) => host.status === 'unreachable')) return exitCodes.unreachable;
  if (result.mode === 'check' && result.hosts.some((host) => host.status === 'changed'))
    return exitCodes.checkChanges;
  return exitCodes.ok;
}
