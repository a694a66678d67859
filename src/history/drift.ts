import type { TaskObservation } from './query.js';

// Drift, from what the runs found, as pure functions over stored rows.
// A setting (host, play, task) drifted when a run found something to change after an earlier
// run had found it in place, or after netfix had fixed it. The first sight of a setting that
// needs a change is not drift: nobody knows when it went wrong. A fix held when the next run
// after the apply that made it found the setting in place.

export type Held = 'yes' | 'no' | 'pending' | 'unfixed';

export interface DriftEvent {
  host: string;
  play: string;
  task: string;
  /** The last run before the drift that found the setting in place (or fixed it). */
  lastInPlaceAt: string;
  foundAt: string;
  foundBy: string;
  foundMode: 'check' | 'apply';
  /** What was found to differ (change summaries). */
  changes: string[];
  /** The apply that changed it back; runId null: found in place again, not by netfix. */
  fix: { at: string; runId: string | null } | null;
  /** yes: the next run found it in place; no: it had drifted again; pending: no run since. */
  held: Held;
  heldCheckedAt?: string;
}

type Finding = { kind: 'in-place' } | { kind: 'differs'; changes: string[] } | { kind: 'unknown' };

/**
 * Changes that repeat on every run (restarts, commands without creates/removes) say nothing
 * about drift; failed, skipped and may_change observations say nothing either way.
 */
export function finding(observation: TaskObservation): Finding {
  if (observation.status === 'ok') return { kind: 'in-place' };
  if (observation.status !== 'changed' && observation.status !== 'would_change') return { kind: 'unknown' };
  const lasting = observation.changes.filter((change) => !change.repeats).map((change) => change.summary);
  return lasting.length === 0 ? { kind: 'in-place' } : { kind: 'differs', changes: lasting };
}

function settingKey(observation: TaskObservation): string {
  return JSON.stringify([observation.host, observation.play, observation.task]);
}

function byTime(a: TaskObservation, b: TaskObservation): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/** The drift events of one setting, from its observations in time order. */
export function settingDrift(observations: readonly TaskObservation[]): DriftEvent[] {
  const events: DriftEvent[] = [];
  let inPlaceAt: string | null = null;
  let open: DriftEvent | null = null;
  for (const observation of observations) {
    const found = finding(observation);
    if (found.kind === 'unknown') continue;
    const fixedNow = observation.mode === 'apply' && observation.status === 'changed';
    if (found.kind === 'in-place') {
      if (open?.fix) {
        open.held = 'yes';
        open.heldCheckedAt = observation.at;
      } else if (open) {
        open.fix = { at: observation.at, runId: null };
        open.held = 'yes';
      }
      open = null;
      inPlaceAt = observation.at;
      continue;
    }
    if (open?.fix) {
      // Drifted again after netfix fixed it: the fix did not hold, and this is a new drift.
      open.held = 'no';
      open.heldCheckedAt = observation.at;
      inPlaceAt = open.fix.at;
      open = null;
    }
    if (open) {
      // Still drifted since an earlier check found it; an apply now fixes it.
      if (fixedNow) {
        open.fix = { at: observation.at, runId: observation.runId };
        open.held = 'pending';
        inPlaceAt = observation.at;
      }
      continue;
    }
    if (inPlaceAt !== null) {
      open = {
        host: observation.host,
        play: observation.play,
        task: observation.task,
        lastInPlaceAt: inPlaceAt,
        foundAt: observation.at,
        foundBy: observation.runId,
        foundMode: observation.mode,
        changes: found.changes,
        fix: fixedNow ? { at: observation.at, runId: observation.runId } : null,
        held: fixedNow ? 'pending' : 'unfixed',
      };
      events.push(open);
    }
    // First sight: not drift; once fixed it is in place from here on.
    if (fixedNow) inPlaceAt = observation.at;
  }
  return events;
}

/** Drift events of every setting found at or after `since`, by host, then time. */
export function driftEvents(observations: readonly TaskObservation[], since: string): DriftEvent[] {
  const bySetting = new Map<string, TaskObservation[]>();
  for (const observation of observations) {
    if (observation.handler) continue;
    const list = bySetting.get(settingKey(observation)) ?? [];
    list.push(observation);
    bySetting.set(settingKey(observation), list);
  }
  const events: DriftEvent[] = [];
  for (const list of bySetting.values()) events.push(...settingDrift([...list].sort(byTime)));
  return events
    .filter((event) => event.foundAt >= since)
    .sort((a, b) => (a.host !== b.host ? (a.host < b.host ? -1 : 1) : a.foundAt < b.foundAt ? -1 : 1));
}
