import type { BatchSize, PlayRollout } from '../playbook/index.js';

// Rollout rules of a play, as Ansible reads them, as pure functions: the engine asks them how
// to cut the hosts into batches and whether a batch's failures stop the run.

/** Whether the play needs play-by-play, batch-by-batch execution at all. */
export function needsBatches(rollout: PlayRollout | undefined): boolean {
  return (
    rollout !== undefined &&
    (rollout.serial !== undefined ||
      rollout.maxFailPercentage !== undefined ||
      rollout.anyErrorsFatal === true)
  );
}

/** A percentage of the play's hosts, rounded down, at least one host (Ansible's pct_to_int). */
function sizeOf(size: BatchSize, total: number): number {
  if (typeof size === 'number') return size;
  return Math.max(1, Math.floor((Number.parseFloat(size) / 100) * total));
}

/**
 * Batch sizes for `total` hosts: each entry of `serial` in turn, the last repeated until every
 * host has a batch; the last batch takes what is left. No serial: one batch of every host.
 */
export function batchSizes(total: number, serial: readonly BatchSize[] | undefined): number[] {
  if (total === 0) return [];
  if (!serial || serial.length === 0) return [total];
  const sizes: number[] = [];
  let left = total;
  for (let index = 0; left > 0; index++) {
    const size = Math.min(left, sizeOf(serial[Math.min(index, serial.length - 1)]!, total));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

export interface BatchState {
  play: string;
  /** 1-based, and how many batches the play has. */
  batch: number;
  batches: number;
  size: number;
  /** Hosts of this batch that failed or could not be reached so far, in the order they did. */
  failed: readonly string[];
}

/** Why the run stops after (or during) this batch, or undefined when it goes on. */
export function stopReason(rollout: PlayRollout | undefined, state: BatchState): string | undefined {
  if (state.failed.length === 0) return undefined;
  const where = `batch ${state.batch}/${state.batches} of play "${state.play}"`;
  const failed = `${state.failed.length} of ${state.size} hosts failed (${state.failed.join(', ')})`;
  if (rollout?.anyErrorsFatal) return `any_errors_fatal: ${state.failed[0]} failed in ${where}`;
  const percent = (state.failed.length / state.size) * 100;
  if (rollout?.maxFailPercentage !== undefined && percent > rollout.maxFailPercentage)
    return `max_fail_percentage ${rollout.maxFailPercentage}% exceeded in ${where}: ${failed}, ${formatPercent(percent)}`;
  // As in Ansible: a serial batch in which every host failed ends the play for the rest.
  if (rollout?.serial && state.failed.length === state.size)
    return `every host of ${where} failed (${state.failed.join(', ')})`;
  return undefined;
}

function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
}
