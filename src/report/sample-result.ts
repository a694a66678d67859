import { RUN_RESULT_SCHEMA_VERSION, type RunResult, type TaskResult } from '../engine/index.js';

// A small run with every kind of entry a report shows (a file diff, a runtime change, a warning,
// expected vs actual, remote output, an unreachable host). A template is rendered against it
// once before the run, so a misspelt field in a --report-template fails before any host is touched.

const task = (overrides: Partial<TaskResult>): TaskResult => ({
  play: 'sample play',
  name: 'sample task',
  module: 'sysctl',
  handler: false,
  source: 'sample.yml:1:3',
  status: 'ok',
  changes: [],
  problems: [],
  durationMs: 1,
  ...overrides,
});

export function sampleRunResult(mode: RunResult['mode']): RunResult {
  const stats = { connects: 1, execs: 1, bytesSent: 1, bytesReceived: 1 };
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    netfixVersion: '0.0.0',
    mode,
    startedAt: '2000-01-01T00:00:00.000Z',
    durationMs: 1,
    interrupted: true,
    hosts: [
      {
        name: 'changed-host',
        address: '192.0.2.1:22',
        status: 'changed',
        stats,
        durationMs: 1,
        tasks: [
          task({
            status: mode === 'check' ? 'would_change' : 'changed',
            changes: [
              { summary: 'load module m', runtime: { key: 'module m', before: null, after: 'loaded' } },
              {
                summary: 'write /etc/f',
                file: { path: '/etc/f', diff: '--- /etc/f\n+++ /etc/f\n@@ -1 +1 @@\n-a\n+b\n' },
              },
            ],
            problems: [{ severity: 'warning', message: 'a warning', expected: '1', actual: '2' }],
          }),
          task({ status: 'may_change', handler: true, problems: [{ severity: 'warning', message: 'why' }] }),
        ],
      },
      {
        name: 'failed-host',
        address: '192.0.2.2:22',
        status: 'failed',
        error: 'task "sample task" failed',
        stats,
        durationMs: 1,
        tasks: [
          task({
            status: 'failed',
            problems: [{ severity: 'error', message: 'did not hold', expected: '0', actual: '1' }],
            output: 'stderr text',
          }),
          task({
            status: 'skipped',
            problems: [{ severity: 'warning', message: 'skipped: an earlier task failed' }],
          }),
        ],
      },
      {
        name: 'unreachable-host',
        address: '192.0.2.3:22',
        status: 'unreachable',
        error: 'connection refused',
        stats,
        durationMs: 1,
        tasks: [],
      },
    ],
  };
}
