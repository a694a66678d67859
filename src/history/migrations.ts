import type { Dialect, SqlDb } from './db.js';

// The history schema, one numbered step at a time. A step never changes once released: a new
// column or table is a new step. Each database records the steps it has had.

interface Migration {
  version: number;
  name: string;
  sql(dialect: Dialect): string;
}

const types = (dialect: Dialect) =>
  dialect === 'postgres' ? { time: 'TIMESTAMPTZ', big: 'BIGINT' } : { time: 'TEXT', big: 'INTEGER' };

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, hosts, tasks, changes, problems',
    sql: (dialect) => {
      const { time, big } = types(dialect);
      return `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  schedule TEXT,
  shard TEXT,
  mode TEXT NOT NULL,
  started_at ${time} NOT NULL,
  ended_at ${time} NOT NULL,
  duration_ms ${big} NOT NULL,
  interrupted INTEGER NOT NULL,
  netfix_version TEXT NOT NULL,
  runner TEXT NOT NULL,
  report_path TEXT,
  hosts_total INTEGER NOT NULL,
  hosts_ok INTEGER NOT NULL,
  hosts_changed INTEGER NOT NULL,
  hosts_failed INTEGER NOT NULL,
  hosts_unreachable INTEGER NOT NULL
);
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX runs_schedule ON runs (schedule, started_at);
CREATE TABLE host_runs (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  address TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  connects INTEGER NOT NULL,
  execs INTEGER NOT NULL,
  bytes_sent ${big} NOT NULL,
  bytes_received ${big} NOT NULL,
  duration_ms ${big} NOT NULL,
  PRIMARY KEY (run_id, host)
);
CREATE INDEX host_runs_host ON host_runs (host);
CREATE TABLE task_runs (
  run_id TEXT NOT NULL,
  host TEXT NOT NULL,
  seq INTEGER NOT NULL,
  play TEXT NOT NULL,
  task TEXT NOT NULL,
  module TEXT NOT NULL,
  source TEXT NOT NULL,
  handler INTEGER NOT NULL,
  status TEXT NOT NULL,
  output TEXT,
  duration_ms ${big} NOT NULL,
  PRIMARY KEY (run_id, host, seq),
  FOREIGN KEY (run_id, host) REFERENCES host_runs (run_id, host) ON DELETE CASCADE
);
CREATE INDEX task_runs_setting ON task_runs (host, play, task);
CREATE TABLE task_changes (
  run_id TEXT NOT NULL,
  host TEXT NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  summary TEXT NOT NULL,
  file_path TEXT,
  diff TEXT,
  runtime_key TEXT,
  runtime_before TEXT,
  runtime_after TEXT,
  repeats INTEGER NOT NULL,
  PRIMARY KEY (run_id, host, seq, idx),
  FOREIGN KEY (run_id, host, seq) REFERENCES task_runs (run_id, host, seq) ON DELETE CASCADE
);
CREATE TABLE task_problems (
  run_id TEXT NOT NULL,
  host TEXT NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  severity TEXT NOT NULL,
  message TEXT NOT NULL,
  expected TEXT,
  actual TEXT,
  PRIMARY KEY (run_id, host, seq, idx),
  FOREIGN KEY (run_id, host, seq) REFERENCES task_runs (run_id, host, seq) ON DELETE CASCADE
);`;
    },
  },
];

export const latestVersion = migrations.at(-1)!.version;

export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';
}

/**
 * Brings the database to the latest schema, in one transaction. On PostgreSQL an advisory lock
 * makes several runners that start at once migrate one after the other.
 */
export async function migrate(db: SqlDb): Promise<number[]> {
  return db.transaction(async () => {
    if (db.dialect === 'postgres') await db.run('SELECT pg_advisory_xact_lock(7310477)');
    await db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const rows = await db.all<{ version: number | string }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    const newest = Math.max(0, ...applied);
    if (newest > latestVersion)
      throw new NewerSchemaError(
        `history database ${db.location} has schema version ${newest}, newer than this netfix knows (${latestVersion}): upgrade netfix`,
      );
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await db.exec(migration.sql(db.dialect));
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
