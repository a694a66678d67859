import type { TaskStatus } from '../engine/index.js';
import type { SqlDb, SqlValue } from './db.js';

// Reading the history back: runs, and per (host, task) what each run found.

export interface StoredRun {
  id: string;
  schedule: string | null;
  shard: string | null;
  mode: 'check' | 'apply';
  startedAt: string;
  durationMs: number;
  interrupted: boolean;
  runner: string;
  reportPath: string | null;
  hosts: { total: number; ok: number; changed: number; failed: number; unreachable: number };
}

export interface HostStatusRow {
  runId: string;
  host: string;
  status: string;
  error: string | null;
}

export interface TaskObservation {
  runId: string;
  at: string;
  mode: 'check' | 'apply';
  schedule: string | null;
  host: string;
  play: string;
  task: string;
  handler: boolean;
  status: TaskStatus;
  changes: { summary: string; repeats: boolean }[];
}

export interface HistoryFilter {
  /** ISO time; runs that started at or after it. */
  since: string;
  host?: string | undefined;
  schedule?: string | undefined;
}

/** PostgreSQL gives Date for timestamptz; SQLite the ISO text stored. */
function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

function where(
  filter: HistoryFilter,
  hostColumn: string | null,
  time: '>=' | '<' = '>=',
): { sql: string; params: SqlValue[] } {
  const clauses = [`r.started_at ${time} ?`];
  const params: SqlValue[] = [filter.since];
  if (filter.schedule !== undefined) {
    clauses.push('r.schedule = ?');
    params.push(filter.schedule);
  }
  if (filter.host !== undefined && hostColumn) {
    clauses.push(`${hostColumn} = ?`);
    params.push(filter.host);
  }
  return { sql: clauses.join(' AND '), params };
}

interface RunRow {
  id: string;
  schedule: string | null;
  shard: string | null;
  mode: 'check' | 'apply';
  started_at: unknown;
  duration_ms: number | string;
  interrupted: number;
  runner: string;
  report_path: string | null;
  hosts_total: number;
  hosts_ok: number;
  hosts_changed: number;
  hosts_failed: number;
  hosts_unreachable: number;
}

export async function loadRuns(db: SqlDb, filter: HistoryFilter): Promise<StoredRun[]> {
  const { sql, params } = where(filter, null);
  const hostClause =
    filter.host === undefined ? '' : ' AND r.id IN (SELECT run_id FROM host_runs WHERE host = ?)';
  const rows = await db.all<RunRow>(
    `SELECT r.* FROM runs r WHERE ${sql}${hostClause} ORDER BY r.started_at, r.id`,
    filter.host === undefined ? params : [...params, filter.host],
  );
  return rows.map((row) => ({
    id: row.id,
    schedule: row.schedule,
    shard: row.shard,
    mode: row.mode,
    startedAt: iso(row.started_at),
    durationMs: Number(row.duration_ms),
    interrupted: Number(row.interrupted) === 1,
    runner: row.runner,
    reportPath: row.report_path,
    hosts: {
      total: Number(row.hosts_total),
      ok: Number(row.hosts_ok),
      changed: Number(row.hosts_changed),
      failed: Number(row.hosts_failed),
      unreachable: Number(row.hosts_unreachable),
    },
  }));
}

export async function loadHostStatuses(db: SqlDb, filter: HistoryFilter): Promise<HostStatusRow[]> {
  const { sql, params } = where(filter, 'h.host');
  const rows = await db.all<{ run_id: string; host: string; status: string; error: string | null }>(
    `SELECT h.run_id, h.host, h.status, h.error FROM host_runs h JOIN runs r ON r.id = h.run_id WHERE ${sql} ORDER BY r.started_at, h.host`,
    params,
  );
  return rows.map((row) => ({ runId: row.run_id, host: row.host, status: row.status, error: row.error }));
}

interface ObservationRow {
  run_id: string;
  started_at: unknown;
  mode: 'check' | 'apply';
  schedule: string | null;
  host: string;
  seq: number;
  play: string;
  task: string;
  handler: number;
  status: TaskStatus;
}

const OBSERVATION_COLUMNS =
  't.run_id, r.started_at, r.mode, r.schedule, t.host, t.seq, t.play, t.task, t.handler, t.status';

/**
 * Every task observation since `filter.since`, plus, per (host, play, task), the last one before
 * it that said whether the setting was in place: drift is "found changed after it was fine", and
 * that earlier "fine" may lie before the window.
 */
export async function loadObservations(db: SqlDb, filter: HistoryFilter): Promise<TaskObservation[]> {
  const inWindow = where(filter, 't.host');
  const before = where(filter, 't.host', '<');
  const rows = await db.all<ObservationRow>(
    `SELECT ${OBSERVATION_COLUMNS} FROM task_runs t JOIN runs r ON r.id = t.run_id WHERE ${inWindow.sql}
     UNION ALL
     SELECT run_id, started_at, mode, schedule, host, seq, play, task, handler, status FROM (
       SELECT ${OBSERVATION_COLUMNS},
              ROW_NUMBER() OVER (PARTITION BY t.host, t.play, t.task ORDER BY r.started_at DESC) AS rn
       FROM task_runs t JOIN runs r ON r.id = t.run_id
       WHERE ${before.sql} AND t.status IN ('ok', 'changed', 'would_change')
     ) previous WHERE rn = 1`,
    [...inWindow.params, ...before.params],
  );
  const changeFilter = where(filter, 'c.host');
  const changes = await db.all<{
    run_id: string;
    host: string;
    seq: number;
    summary: string;
    repeats: number;
  }>(
    `SELECT c.run_id, c.host, c.seq, c.summary, c.repeats FROM task_changes c JOIN runs r ON r.id = c.run_id
     WHERE ${changeFilter.sql} ORDER BY c.run_id, c.host, c.seq, c.idx`,
    changeFilter.params,
  );
  const changesByTask = new Map<string, { summary: string; repeats: boolean }[]>();
  for (const change of changes) {
    const key = `${change.run_id}\0${change.host}\0${change.seq}`;
    const list = changesByTask.get(key) ?? [];
    list.push({ summary: change.summary, repeats: Number(change.repeats) === 1 });
    changesByTask.set(key, list);
  }
  return rows.map((row) => ({
    runId: row.run_id,
    at: iso(row.started_at),
    mode: row.mode,
    schedule: row.schedule,
    host: row.host,
    play: row.play,
    task: row.task,
    handler: Number(row.handler) === 1,
    status: row.status,
    changes: changesByTask.get(`${row.run_id}\0${row.host}\0${row.seq}`) ?? [],
  }));
}
