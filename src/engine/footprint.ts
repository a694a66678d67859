import type { Footprint } from '../modules/index.js';
import type { TaskWork } from './work.js';

// Which tasks a change makes stale. The re-probe that follows a change reads only those: the
// others keep facts that no change since has touched. Planning on them is as safe as planning on
// a fresh read only because footprints over-approximate (define.ts).

const everything: Footprint = { reads: ['*'], writes: ['*'] };

const cache = new WeakMap<TaskWork, Footprint>();

export function footprintOf(task: TaskWork): Footprint {
  let footprint = cache.get(task);
  if (!footprint) {
    footprint = task.module.footprint?.(task.params) ?? everything;
    cache.set(task, footprint);
  }
  return footprint;
}

/** Whether a change made by `changed` can alter what `reader` probes. */
export function mayAffect(changed: TaskWork, reader: TaskWork): boolean {
  const { writes } = footprintOf(changed);
  const { reads } = footprintOf(reader);
  return writes.includes('*') || reads.includes('*') || writes.some((domain) => reads.includes(domain));
}
