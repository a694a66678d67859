import type { RunResult } from '../engine/index.js';
import { insertRows } from './db.js';
import type { HistoryLocation } from './location.js';
import { openHistory } from './open.js';
import { redactUrl } from './postgres-url.js';
import { columns, historyRows, type RunMeta, type Table } from './rows.js';

export type RecordOutcome =
  | { recorded: true; location: string }
  | { recorded: false; skipped: true }
  | { recorded: false; skipped?: false; location: string; error: string };

function describe(location: HistoryLocation): string {
  if (location.kind === 'postgres') return redactUrl(location.url);
  if (location.kind === 'sqlite') return location.path;
  return 'none';
}

/**
 * Stores one run. Never throws: a corrupt, locked or unreachable database must not cost the
 * run's result, so the caller writes the report first and prints the error returned here.
 */
export async function recordRunHistory(
  result: RunResult,
  options: RunMeta & { location: HistoryLocation },
): Promise<RecordOutcome> {
  const { location } = options;
  if (location.kind === 'none') return { recorded: false, skipped: true };
  const rows = historyRows(result, options);
  try {
    const db = await openHistory(location);
    try {
      await db.transaction(async () => {
        // Parents first: the foreign keys are checked row by row.
        for (const table of ['runs', 'host_runs', 'task_runs', 'task_changes', 'task_problems'] as Table[])
          await insertRows(db, table, columns[table], rows[table]);
      });
    } finally {
      await db.close();
    }
    return { recorded: true, location: describe(location) };
  } catch (error) {
    return {
      recorded: false,
      location: describe(location),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
