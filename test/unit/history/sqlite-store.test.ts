import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { recordRunHistory } from '../../../src/history/index.js';
import { runResult } from './fixtures.js';
import { storeContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'netfix-history-'));
const result = runResult('apply', '2030-01-01T01:00:00.000Z', { hv001: ['ok'] });
const meta = { runId: 'r1', runner: 'test:1' };

describe('SQLite history', () => {
  storeContract(() => ({ kind: 'sqlite', path: join(dir, 'history.sqlite') }));

  it('a corrupt database file is an error said, never a throw', async () => {
    const path = join(dir, 'corrupt.sqlite');
    writeFileSync(path, 'this is not a database, it is a text file pretending to be one'.repeat(100));
    const outcome = await recordRunHistory(result, { ...meta, location: { kind: 'sqlite', path } });
    assert.equal(outcome.recorded, false);
    if (!outcome.recorded && !outcome.skipped) assert.match(outcome.error, /not a database/);
  });

  it('a database locked by another writer is an error said after the busy timeout', async () => {
    const path = join(dir, 'locked.sqlite');
    await recordRunHistory(result, { ...meta, location: { kind: 'sqlite', path } });
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const outcome = await recordRunHistory(result, {
        ...meta,
        runId: 'r2',
        location: { kind: 'sqlite', path },
      });
      assert.equal(outcome.recorded, false);
      if (!outcome.recorded && !outcome.skipped) assert.match(outcome.error, /locked/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('a database from a newer netfix is refused with the fix', async () => {
    const path = join(dir, 'newer.sqlite');
    await recordRunHistory(result, { ...meta, location: { kind: 'sqlite', path } });
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 'later')").run();
    db.close();
    const outcome = await recordRunHistory(result, {
      ...meta,
      runId: 'r3',
      location: { kind: 'sqlite', path },
    });
    assert.ok(
      !outcome.recorded && !outcome.skipped && /schema version 99.*upgrade netfix/.test(outcome.error),
    );
  });

  it('--no-history records nothing', async () => {
    assert.deepEqual(await recordRunHistory(result, { ...meta, location: { kind: 'none' } }), {
      recorded: false,
      skipped: true,
    });
  });
});
