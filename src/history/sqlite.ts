import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDb, SqlValue } from './db.js';

// better-sqlite3 is synchronous; the async shape only matches the PostgreSQL side.

export function openSqlite(path: string): SqlDb {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5000 });
  // WAL lets `netfix history` read while a run writes; busy_timeout waits out a short lock
  // instead of failing the record at once.
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  return {
    dialect: 'sqlite',
    location: path,
    async exec(sql) {
      db.exec(sql);
    },
    async run(sql, params: readonly SqlValue[] = []) {
      db.prepare(sql).run(...params);
    },
    async all<Row>(sql: string, params: readonly SqlValue[] = []) {
      return db.prepare(sql).all(...params) as Row[];
    },
    async transaction(work) {
      // IMMEDIATE takes the write lock up front: two writers wait on busy_timeout instead of
      // one failing half-way with SQLITE_BUSY on upgrade.
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      db.close();
    },
  };
}
