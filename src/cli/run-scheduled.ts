import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunResult, runFleet } from '../engine/index.js';
import { historyLocation, recordRunHistory } from '../history/index.js';
import { groupedChangesLines, plainProgress, recapLines, writeJsonReport } from '../report/index.js';
import {
  acquireLock,
  formatShard,
  runOnDrift,
  type ScheduleSpec,
  type Shard,
  selectShard,
  statePaths,
} from '../schedule/index.js';
import { connect } from '../ssh/index.js';
import { loadRunInput } from './load-run-input.js';
import { exitCodeFor } from './run-apply.js';
import { abortOnSignals, connectOptionsFor, exitCodeAfter } from './run-pipeline.js';
import { netfixVersion } from './version.js';

const MAX_FORKS = 500;

/** sysexits' EX_TEMPFAIL: the schedule is already running; try again later. */
export const SCHEDULE_BUSY_EXIT = 75;

export interface ScheduledRunOptions {
  spec: ScheduleSpec;
  stateDir: string;
  /** From the command line (Kubernetes passes JOB_COMPLETION_INDEX): beats the schedule's. */
  shard?: Shard | undefined;
  /** From the command line: beats the schedule's; false is --no-history. */
  history?: string | false | undefined;
  /** Started by cron: sleep a random part of the jitter first (systemd does it for timers). */
  fromCron?: boolean | undefined;
}

function lockName(spec: ScheduleSpec, shard: Shard | undefined): string {
  // Shards of one schedule are different runs and may overlap each other.
  return shard ? `${spec.name}.shard-${shard.index}-of-${shard.count}.lock` : `${spec.name}.lock`;
}

function reportPath(stateDir: string, spec: ScheduleSpec, startedAt: string, runId: string): string {
  const stamp = startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(statePaths(stateDir).reports, spec.name, `${stamp}-${runId.slice(0, 8)}.json`);
}

/** What `--on-drift` gets: hosts and tasks where the run found a lasting change to make or made. */
export function driftSummary(
  result: RunResult,
  meta: { schedule: string; runId: string; reportPath: string },
) {
  const hosts = result.hosts
    .map((host) => ({
      name: host.name,
      status: host.status,
      tasks: host.tasks
        .filter((task) => (task.status === 'changed' || task.status === 'would_change') && !task.handler)
        .filter((task) => task.changes.some((change) => !change.repeats))
        .map((task) => ({
          play: task.play,
          task: task.name,
          status: task.status,
          changes: task.changes.map((c) => c.summary),
        })),
    }))
    .filter((host) => host.tasks.length > 0);
  return { ...meta, mode: result.mode, startedAt: result.startedAt, driftedHosts: hosts.length, hosts };
}

export async function runScheduled(options: ScheduledRunOptions): Promise<number> {
  const { spec, stateDir } = options;
  const shard = options.shard ?? spec.shard;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const warn = (line: string) => process.stderr.write(`netfix: ${line}\n`);

  if (options.fromCron && spec.jitterSec > 0) await sleep(Math.floor(Math.random() * spec.jitterSec * 1000));
  const lock = await acquireLock(join(statePaths(stateDir).locks, lockName(spec, shard)));
  if (!lock.acquired) {
    warn(
      `schedule ${spec.name} is already running (pid ${lock.holder.pid} on ${lock.holder.host}, since ${lock.holder.startedAt}); this run exits without doing anything`,
    );
    return SCHEDULE_BUSY_EXIT;
  }
  if (lock.tookOverFrom)
    warn(
      `took over the lock of schedule ${spec.name}: the run that held it (pid ${lock.tookOverFrom.pid}, since ${lock.tookOverFrom.startedAt}) is gone`,
    );
  try {
    const allHosts = loadRunInput({
      inventories: spec.inventories,
      playbooks: spec.playbooks,
      limit: spec.limit,
      extraVars: spec.extraVars,
    });
    const hosts = shard ? selectShard(allHosts, shard) : allHosts;
    say(
      `netfix schedule ${spec.name}: ${spec.checkOnly ? 'check' : 'apply'} on ${hosts.length} host${hosts.length === 1 ? '' : 's'}${shard ? ` (shard ${formatShard(shard)} of ${allHosts.length})` : ''}`,
    );
    const interrupt = abortOnSignals(spec.maxRuntimeSec);
    const connectOptions = connectOptionsFor({
      knownHosts: spec.connection.knownHosts,
      acceptNewHostKeys: spec.connection.acceptNewHostKeys,
      connectTimeoutSec: spec.connection.connectTimeoutSec,
    });
    const progress = plainProgress({ verbose: false, check: spec.checkOnly });
    let result: RunResult;
    try {
      result = await runFleet(hosts, {
        check: spec.checkOnly,
        commandTimeoutMs: spec.connection.timeoutSec * 1000,
        forks: Math.min(spec.connection.forks ?? hosts.length, MAX_FORKS),
        connect: (target) => connect(target, connectOptions),
        signal: interrupt.signal,
        deadline: interrupt.deadline,
        onEvent: (event) => progress.onEvent(event),
        netfixVersion,
      });
    } finally {
      interrupt.dispose();
    }

    const out: string[] = [];
    if (spec.checkOnly) out.push('', ...groupedChangesLines(result, { diff: true }));
    out.push('', ...recapLines(result, { stats: false }));
    say(out.join('\n'));

    // The report first: whatever happens to the history, the run's result is on disk.
    const runId = randomUUID();
    const report = reportPath(stateDir, spec, result.startedAt, runId);
    await writeJsonReport(report, result);
    say(`report written to ${report}`);

    const history = options.history ?? (spec.noHistory ? false : spec.history);
    const location = historyLocation({
      history: history === false ? undefined : history,
      noHistory: history === false,
      defaultSqlitePath: statePaths(stateDir).history,
    });
    const recorded = await recordRunHistory(result, {
      location,
      runId,
      schedule: spec.name,
      shard: shard ? formatShard(shard) : undefined,
      runner: `${hostname()}:${process.pid}`,
      reportPath: report,
    });
    if (recorded.recorded) say(`history: run ${runId} recorded in ${recorded.location}`);
    else if (!recorded.skipped)
      warn(
        `history: could not record run ${runId} in ${recorded.location}: ${recorded.error}; the run's result is in ${report}`,
      );

    const summary = driftSummary(result, { schedule: spec.name, runId, reportPath: report });
    if (spec.onDrift && summary.driftedHosts > 0) {
      const ran = await runOnDrift(spec.onDrift, summary);
      const how = ran.timedOut
        ? 'timed out'
        : ran.exitCode === 0
          ? 'exited 0'
          : `exited ${ran.exitCode ?? '(did not start)'}`;
      (ran.exitCode === 0 ? say : warn)(
        `on-drift: ${summary.driftedHosts} host${summary.driftedHosts === 1 ? '' : 's'} drifted; '${spec.onDrift}' ${how}${ran.output && ran.exitCode !== 0 ? `: ${ran.output}` : ''}`,
      );
    }
    return exitCodeAfter(exitCodeFor(result), interrupt.received());
  } finally {
    await lock.release();
  }
}
