// Small run results and observations for the history tests.
import type { RunResult, TaskStatus } from '../../../src/engine/index.js';
import type { TaskObservation } from '../../../src/history/index.js';

/** One run over hosts whose tasks have the given statuses; a changed/would_change task has one change. */
export function runResult(
  mode: 'check' | 'apply',
  startedAt: string,
  tasksByHost: Record<string, TaskStatus[]>,
): RunResult {
  return {
    schemaVersion: 1,
    netfixVersion: '0.1.0',
    mode,
    startedAt,
    durationMs: 1500,
    interrupted: false,
    hosts: Object.entries(tasksByHost).map(([name, statuses]) => ({
      name,
      address: '127.0.0.1:22',
      status: statuses.includes('failed') ? 'failed' : statuses.some((s) => s !== 'ok') ? 'changed' : 'ok',
      stats: { connects: 1, execs: 1, bytesSent: 100, bytesReceived: 2000 },
      durationMs: 900,
      tasks: statuses.map((status, index) => ({
        play: 'bridge',
        name: `task ${index}`,
        module: 'sysctl',
        handler: false,
        source: `pb.yml:${index + 1}:3`,
        status,
        changes:
          status === 'changed' || status === 'would_change'
            ? [
                {
                  summary: `set key${index} live: 1 -> 0`,
                  file: { path: '/etc/sysctl.d/x.conf', diff: '-a\n+b\n' },
                },
              ]
            : [],
        problems:
          status === 'failed' ? [{ severity: 'error', message: 'boom', expected: '0', actual: '1' }] : [],
        durationMs: 10,
      })),
    })),
  };
}

let counter = 0;

export function observation(
  at: string,
  mode: 'check' | 'apply',
  status: TaskStatus,
  options: { repeats?: boolean; host?: string; task?: string } = {},
): TaskObservation {
  counter++;
  return {
    runId: `run-${String(counter).padStart(4, '0')}`,
    at,
    mode,
    schedule: 'nightly',
    host: options.host ?? 'hv001',
    play: 'bridge',
    task: options.task ?? 'bridge sysctl',
    handler: false,
    status,
    changes:
      status === 'changed' || status === 'would_change'
        ? [
            {
              summary: 'set net.bridge.bridge-nf-call-iptables live: 1 -> 0',
              repeats: options.repeats ?? false,
            },
          ]
        : [],
  };
}
