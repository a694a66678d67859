import type { HostResult, RunResult } from './result.js';
import { RUN_RESULT_SCHEMA_VERSION } from './result.js';
import { runHost } from './run-host.js';
import type { EngineOptions, HostWork } from './work.js';

/**
 * Runs hosts in parallel, at most `forks` at once. A slow or failing host holds one slot and
 * nothing else: every other host keeps going. After an abort no new host starts; the hosts not
 * started are reported as skipped (status unreachable would be wrong: nobody tried).
 */
export async function runFleet(
  hosts: HostWork[],
  options: EngineOptions & { netfixVersion: string },
): Promise<RunResult> {
  const startedAt = new Date();
  const results: (HostResult | undefined)[] = new Array(hosts.length);
  let next = 0;
  const worker = async () => {
    while (next < hosts.length && !options.signal?.aborted) {
      const index = next++;
      results[index] = await runHost(hosts[index]!, options);
    }
  };
  const forks = Math.max(1, Math.min(options.forks, hosts.length));
  await Promise.all(Array.from({ length: forks }, worker));
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    netfixVersion: options.netfixVersion,
    mode: options.check ? 'check' : 'apply',
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    interrupted: options.signal?.aborted ?? false,
    hosts: hosts.map((work, index) => results[index] ?? notStarted(work)),
  };
}

function notStarted(work: HostWork): HostResult {
  return {
    name: work.name,
    address: `${work.target.address}:${work.target.port}`,
    status: 'failed',
    error: 'not started: the run was interrupted',
    stats: { connects: 0, execs: 0, bytesSent: 0, bytesReceived: 0 },
    tasks: work.plays.flatMap((play) =>
      play.tasks.map((task) => ({
        play: play.name,
        name: task.name,
        module: task.module.name,
        handler: false,
        source: task.source,
        status: 'skipped' as const,
        changes: [],
        problems: [
          { severity: 'warning' as const, message: 'skipped: interrupted before this host started' },
        ],
        durationMs: 0,
      })),
    ),
    durationMs: 0,
  };
}
