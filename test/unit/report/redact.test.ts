// Secrets leave in one place: every string of every event and of the run result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor, NO_LOG_TEXT, SECRET_MASK } from '../../../src/report/index.js';
import { fileChange, fleet, host, run, runtimeChange, task } from './results.js';

test('a secret value is masked in every string of the result, longest value first', () => {
  const result = run('check', [
    host('hv001', {
      error: 'password hunter2 refused',
      tasks: [
        task({
          name: 'write hunter2',
          changes: [{ summary: 'x', file: { path: '/etc/a', diff: '+pass=hunter2\n+token=hunter2-long\n' } }],
          problems: [{ severity: 'error', message: 'm', expected: 'hunter2', actual: 'nothunter2' }],
          output: 'echo hunter2',
        }),
      ],
    }),
  ]);
  const redactor = createRedactor({ secrets: ['hunter2', 'hunter2-long', ''], noLogSources: new Set() });
  const redacted = redactor.result(result);
  const text = JSON.stringify(redacted);
  assert.ok(!text.includes('hunter2'), text);
  assert.match(text, /\+token=\*{8}\\n/, 'the longer secret is masked whole');
  assert.equal(redacted.hosts[0]!.tasks[0]!.problems[0]!.expected, SECRET_MASK);
  assert.equal(JSON.stringify(result).includes('hunter2'), true, 'the input is not changed');
  // Types and every field survive.
  assert.equal(redacted.hosts[0]!.stats.execs, 1);
  assert.equal(redacted.hosts[0]!.tasks[0]!.durationMs, 12);
});

test('events are redacted the same way', () => {
  const redactor = createRedactor({ secrets: ['s3cret'], noLogSources: new Set(['p.yml:1:1']) });
  const hidden = task({ source: 'p.yml:1:1', status: 'would_change', changes: [fileChange] });
  const event = redactor.event({
    type: 'task-done',
    host: 'hv001',
    task: { ...hidden, name: 'uses s3cret' },
  });
  assert.equal(event.type, 'task-done');
  if (event.type !== 'task-done') return;
  assert.equal(event.task.name, `uses ${SECRET_MASK}`);
  assert.deepEqual(event.task.changes, [{ summary: NO_LOG_TEXT }]);
  const done = redactor.event({
    type: 'host-done',
    host: 'hv001',
    result: host('hv001', { tasks: [hidden] }),
  });
  assert.ok(done.type === 'host-done' && done.result.tasks[0]!.changes[0]!.summary === NO_LOG_TEXT);
});

test('no_log keeps the name, status and number of changes, and hides every value', () => {
  const secretTask = task({
    source: 'p.yml:7:7',
    status: 'failed',
    changes: [runtimeChange, fileChange, { summary: 'restart x', repeats: true }],
    problems: [{ severity: 'error', message: 'value abc', expected: 'abc', actual: 'def' }],
    output: 'abc',
  });
  const redactor = createRedactor({ secrets: [], noLogSources: new Set(['p.yml:7:7']) });
  const [hidden, other] = redactor.result(run('apply', [host('hv001', { tasks: [secretTask, task()] })]))
    .hosts[0]!.tasks;
  assert.deepEqual(hidden, {
    ...secretTask,
    changes: [{ summary: NO_LOG_TEXT }, { summary: NO_LOG_TEXT }, { summary: NO_LOG_TEXT, repeats: true }],
    problems: [{ severity: 'error', message: NO_LOG_TEXT, expected: NO_LOG_TEXT, actual: NO_LOG_TEXT }],
    output: NO_LOG_TEXT,
  });
  assert.deepEqual(other, task(), 'other tasks are untouched');
});

test('without secrets or no_log tasks the result is equal to the input', () => {
  const result = fleet('check', 12);
  assert.deepEqual(createRedactor({ secrets: [], noLogSources: new Set() }).result(result), result);
});
