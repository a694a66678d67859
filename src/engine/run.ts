import { needsBatches } from './batches.js';
import { runInPool } from './pool.js';
import type { HostResult, RunResult } from './result.js';
import { RUN_RESULT_SCHEMA_VERSION } from './result.js';
import { runHost } from './run-host.js';
import { runPlayByPlay } from './run-play-by-play.js';
import { abortReason, notStarted } from './skipped.js';
import type { EngineOptions, HostWork } from './work.js';

/**
 * Runs hosts in parallel, at most `forks` at once. A slow or failing host holds one slot and
 * nothing else: every other host keeps going. After an abort no new host starts; the hosts not
 * started are reported as skipped (status unreachable would be wrong: nobody tried).
 *
 * Without rollout rules each host runs all its plays in one go (one probe for every play). With
 * `serial`, `max_fail_percentage` or `any_errors_fatal` on any play, plays run one after the
 * other over the fleet, in batches, as in Ansible.
 */
export async function runFleet(
  hosts: HostWork[],
  options: EngineOptions & { netfixVersion: string },
): Promise<RunResult> {
  const startedAt = new Date();
  const batched = hosts.some((host) => host.plays.some((play) => needsBatches(play.rollout)));
  const outcome = batched
    ? await runPlayByPlay(hosts, options)
    : { results: await runHostByHost(hosts, options), stopped: undefined };
  // A signal aborts without a reason; --max-runtime with one: the run stopped, not interrupted.
  const aborted = options.signal?.aborted ?? false;
  const reason = typeof options.signal?.reason === 'string' ? options.signal.reason : undefined;
  const stopped = outcome.stopped ?? (aborted ? reason : undefined);
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    netfixVersion: options.netfixVersion,
    mode: options.check ? 'check' : 'apply',
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    interrupted: aborted && reason === undefined,
    ...(stopped ? { stopped } : {}),
    hosts: outcome.results,
  };
}

async function runHostByHost(hosts: HostWork[], options: EngineOptions): Promise<HostResult[]> {
  const results = await runInPool(hosts, options.forks, options.signal, (work) => runHost(work, options));
  return hosts.map(
    (work, index) => results[index] ?? notStarted(work, work.plays, abortReason(options.signal)),
  );
}
