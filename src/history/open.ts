import type { SqlDb } from './db.js';
import type { HistoryLocation } from './location.js';
import { migrate } from './migrations.js';

/** Opens the history database and brings its schema up to date. Drivers load only when used. */
export async function openHistory(location: Exclude<HistoryLocation, { kind: 'none' }>): Promise<SqlDb> {
  const db =
    location.kind === 'postgres'
      ? await (await import('./postgres.js')).openPostgres(location.url)
      : (await import('./sqlite.js')).openSqlite(location.path);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}
