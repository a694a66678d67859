// .jsonl is written as the run goes: a header line first, one line per event, a run-end line
// last; whatever is on disk at any moment is whole lines.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { taskResultSchema } from '../../../src/engine/index.js';
import { openJsonlReport } from '../../../src/report/index.js';
import { fleet } from './results.js';

test('header, one line per event written at once, run-end last', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'netfix-jsonl-')), 'sub', 'run.jsonl');
  const result = fleet('check', 3);
  const stream = openJsonlReport(path, { netfixVersion: '0.1.0', mode: 'check', hosts: 3 });
  const lines = () =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines()[0]!.type, 'run-start');
  for (const host of result.hosts) {
    stream.event({ type: 'host-start', host: host.name });
    for (const task of host.tasks) stream.event({ type: 'task-done', host: host.name, task });
    // On disk before the next event: a crash now would leave this line.
    assert.equal(lines().at(-1)!.type, host.tasks.length > 0 ? 'task-done' : 'host-start');
    stream.event({ type: 'host-done', host: host.name, result: host });
  }
  stream.end(result);
  stream.event({ type: 'host-start', host: 'after the end' });
  const written = lines();
  assert.deepEqual(
    { ...written[0], at: 'x', startedAt: 'x' },
    {
      type: 'run-start',
      schemaVersion: 1,
      netfixVersion: '0.1.0',
      mode: 'check',
      hosts: 3,
      startedAt: 'x',
      at: 'x',
    },
  );
  assert.deepEqual(written.at(-1), {
    type: 'run-end',
    durationMs: 1234,
    interrupted: false,
    hosts: { ok: 0, changed: 1, failed: 1, unreachable: 1, skipped: 0 },
    at: written.at(-1)!.at,
  });
  const tasks = written.filter((line) => line.type === 'task-done');
  assert.equal(tasks.length, 4);
  for (const line of tasks) taskResultSchema.parse(line.task);
  assert.equal(written.length, 1 + 3 + 4 + 3 + 1, 'header, host starts, tasks, host ends, run end');
});
