// What every history backend must do, run against SQLite and PostgreSQL alike.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  driftEvents,
  type HistoryLocation,
  loadObservations,
  loadRuns,
  migrate,
  openHistory,
  recordRunHistory,
} from '../../../src/history/index.js';
import { runResult } from './fixtures.js';

type Location = Exclude<HistoryLocation, { kind: 'none' }>;

const meta = (runId: string) => ({
  runId,
  schedule: 'nightly',
  runner: 'test:1',
  reportPath: `/r/${runId}.json`,
});

export function storeContract(location: () => Location): void {
  it('migrates once: a second open applies nothing', async () => {
    const db = await openHistory(location());
    try {
      assert.deepEqual(await migrate(db), []);
      const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations');
      assert.deepEqual(
        rows.map((row) => Number(row.version)),
        [1],
      );
    } finally {
      await db.close();
    }
  });

  it('records runs with per host status, per task changes (with diffs), problems and stats', async () => {
    const runs = [
      runResult('apply', '2030-01-01T01:00:00.000Z', {
        hv001: ['changed', 'changed'],
        hv002: ['changed', 'changed'],
      }),
      runResult('apply', '2030-01-01T02:00:00.000Z', { hv001: ['ok', 'ok'], hv002: ['ok', 'ok'] }),
      runResult('check', '2030-01-01T03:00:00.000Z', { hv001: ['ok', 'ok'], hv002: ['ok', 'would_change'] }),
      runResult('apply', '2030-01-01T04:00:00.000Z', { hv001: ['ok', 'failed'], hv002: ['ok', 'changed'] }),
    ];
    for (const [index, result] of runs.entries()) {
      const outcome = await recordRunHistory(result, { ...meta(`run-${index}`), location: location() });
      assert.equal(outcome.recorded, true, JSON.stringify(outcome));
    }
    const db = await openHistory(location());
    try {
      const stored = await loadRuns(db, { since: '2030-01-01T00:00:00.000Z' });
      assert.deepEqual(
        stored.map((run) => [run.id, run.mode, run.startedAt, run.hosts.changed, run.hosts.failed]),
        [
          ['run-0', 'apply', '2030-01-01T01:00:00.000Z', 2, 0],
          ['run-1', 'apply', '2030-01-01T02:00:00.000Z', 0, 0],
          ['run-2', 'check', '2030-01-01T03:00:00.000Z', 1, 0],
          ['run-3', 'apply', '2030-01-01T04:00:00.000Z', 1, 1],
        ],
      );
      assert.equal(stored[0]!.reportPath, '/r/run-0.json');
      const diff = await db.all<{ diff: string; file_path: string }>(
        "SELECT diff, file_path FROM task_changes WHERE run_id = 'run-0' AND host = 'hv001' AND seq = 1",
      );
      assert.deepEqual(diff, [{ diff: '-a\n+b\n', file_path: '/etc/sysctl.d/x.conf' }]);
      const problems = await db.all<{ message: string; expected: string }>(
        "SELECT message, expected FROM task_problems WHERE run_id = 'run-3'",
      );
      assert.deepEqual(problems, [{ message: 'boom', expected: '0' }]);
      const stats = await db.all<{ bytes_received: number | string }>(
        "SELECT bytes_received FROM host_runs WHERE run_id = 'run-0' AND host = 'hv002'",
      );
      assert.equal(Number(stats[0]!.bytes_received), 2000);

      // hv002's task 1 drifted between run-1 and run-2 (check), and run-3 fixed it.
      const since = '2030-01-01T00:00:00.000Z';
      const events = driftEvents(await loadObservations(db, { since }), since);
      assert.deepEqual(
        events.map((e) => [e.host, e.task, e.lastInPlaceAt, e.foundAt, e.fix?.at, e.held]),
        [
          [
            'hv002',
            'task 1',
            '2030-01-01T02:00:00.000Z',
            '2030-01-01T03:00:00.000Z',
            '2030-01-01T04:00:00.000Z',
            'pending',
          ],
        ],
      );
      // The run before the window still counts as the "in place" that makes run-2 drift.
      const late = '2030-01-01T02:30:00.000Z';
      assert.equal(driftEvents(await loadObservations(db, { since: late }), late).length, 1);
      const onlyHv001 = await loadObservations(db, { since, host: 'hv001' });
      assert.ok(onlyHv001.every((observation) => observation.host === 'hv001') && onlyHv001.length > 0);
    } finally {
      await db.close();
    }
  });
}
