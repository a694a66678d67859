import type { RunResult } from '../engine/index.js';
import type { SqlValue } from './db.js';

// A run result as the rows of the history tables. Pure, so what is stored is unit-tested
// without a database.

export interface RunMeta {
  runId: string;
  schedule?: string | undefined;
  /** `K/N` when the run covered one shard of the inventory. */
  shard?: string | undefined;
  /** hostname and pid of the process that ran it. */
  runner: string;
  reportPath?: string | undefined;
}

export const columns = {
  runs: [
    'id',
    'schedule',
    'shard',
    'mode',
    'started_at',
    'ended_at',
    'duration_ms',
    'interrupted',
    'netfix_version',
    'runner',
    'report_path',
    'hosts_total',
    'hosts_ok',
    'hosts_changed',
    'hosts_failed',
    'hosts_unreachable',
  ],
  host_runs: [
    'run_id',
    'host',
    'address',
    'status',
    'error',
    'connects',
    'execs',
    'bytes_sent',
    'bytes_received',
    'duration_ms',
  ],
  task_runs: [
    'run_id',
    'host',
    'seq',
    'play',
    'task',
    'module',
    'source',
    'handler',
    'status',
    'output',
    'duration_ms',
  ],
  task_changes: [
    'run_id',
    'host',
    'seq',
    'idx',
    'summary',
    'file_path',
    'diff',
    'runtime_key',
    'runtime_before',
    'runtime_after',
    'repeats',
  ],
  task_problems: ['run_id', 'host', 'seq', 'idx', 'severity', 'message', 'expected', 'actual'],
} as const;

export type Table = keyof typeof columns;
export type HistoryRows = Record<Table, SqlValue[][]>;

export function historyRows(result: RunResult, meta: RunMeta): HistoryRows {
  const count = (status: string) => result.hosts.filter((host) => host.status === status).length;
  const endedAt = new Date(Date.parse(result.startedAt) + result.durationMs).toISOString();
  const rows: HistoryRows = {
    runs: [
      [
        meta.runId,
        meta.schedule ?? null,
        meta.shard ?? null,
        result.mode,
        result.startedAt,
        endedAt,
        result.durationMs,
        result.interrupted ? 1 : 0,
        result.netfixVersion,
        meta.runner,
        meta.reportPath ?? null,
        result.hosts.length,
        count('ok'),
        count('changed'),
        count('failed'),
        count('unreachable'),
      ],
    ],
    host_runs: [],
    task_runs: [],
    task_changes: [],
    task_problems: [],
  };
  for (const host of result.hosts) {
    rows.host_runs.push([
      meta.runId,
      host.name,
      host.address,
      host.status,
      host.error ?? null,
      host.stats.connects,
      host.stats.execs,
      host.stats.bytesSent,
      host.stats.bytesReceived,
      host.durationMs,
    ]);
    host.tasks.forEach((task, seq) => {
      const key = [meta.runId, host.name, seq];
      rows.task_runs.push([
        ...key,
        task.play,
        task.name,
        task.module,
        task.source,
        task.handler ? 1 : 0,
        task.status,
        task.output ?? null,
        task.durationMs,
      ]);
      for (const [idx, change] of task.changes.entries())
        rows.task_changes.push([
          ...key,
          idx,
          change.summary,
          change.file?.path ?? null,
          change.file?.diff ?? null,
          change.runtime?.key ?? null,
          change.runtime?.before ?? null,
          change.runtime?.after ?? null,
          change.repeats ? 1 : 0,
        ]);
      for (const [idx, problem] of task.problems.entries())
        rows.task_problems.push([
          ...key,
          idx,
          problem.severity,
          problem.message,
          problem.expected ?? null,
          problem.actual ?? null,
        ]);
    });
  }
  return rows;
}
