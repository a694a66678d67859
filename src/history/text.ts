import type { DriftEvent } from './drift.js';
import type { HostStatusRow, StoredRun } from './query.js';

// `netfix history` as text: runs, one line each; drift per host and setting.

const shortId = (id: string) => id.slice(0, 8);
const at = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function runLines(
  runs: readonly StoredRun[],
  hostStatuses: readonly HostStatusRow[],
  host?: string,
): string[] {
  if (runs.length === 0) return ['no runs recorded in this period'];
  const statusByRun = new Map(hostStatuses.map((row) => [row.runId, row]));
  const lines = runs.map((run) => {
    const counts = `hosts=${run.hosts.total} ok=${run.hosts.ok} changed=${run.hosts.changed} failed=${run.hosts.failed} unreachable=${run.hosts.unreachable}`;
    const mine = host ? statusByRun.get(run.id) : undefined;
    const hostPart = mine ? `  ${host}: ${mine.status}${mine.error ? ` (${mine.error})` : ''}` : '';
    const where = [
      run.schedule ? `schedule ${run.schedule}` : 'by hand',
      run.shard ? `shard ${run.shard}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${at(run.startedAt)}  ${shortId(run.id)}  ${run.mode.padEnd(5)}  ${where}  ${counts}  ${Math.round(run.durationMs / 100) / 10}s${run.interrupted ? '  interrupted' : ''}${hostPart}`;
  });
  return [...lines, `${runs.length} run${runs.length === 1 ? '' : 's'}`];
}

function heldText(event: DriftEvent): string {
  switch (event.held) {
    case 'yes':
      return event.fix?.runId
        ? `fix held (in place at ${at(event.heldCheckedAt ?? '')})`
        : `in place again at ${at(event.fix?.at ?? '')}, not by a netfix apply`;
    case 'no':
      return `fix did NOT hold: drifted again by ${at(event.heldCheckedAt ?? '')}`;
    case 'pending':
      return 'fix not yet checked by a later run';
    case 'unfixed':
      return 'not fixed yet';
  }
}

export function driftLines(events: readonly DriftEvent[]): string[] {
  if (events.length === 0) return ['no drift in this period'];
  const lines: string[] = [];
  let host = '';
  for (const event of events) {
    if (event.host !== host) {
      host = event.host;
      lines.push(host);
    }
    lines.push(`  ${event.task}  [${event.play}]`);
    lines.push(
      `    drifted between ${at(event.lastInPlaceAt)} and ${at(event.foundAt)} (found by ${event.foundMode} run ${shortId(event.foundBy)})`,
    );
    for (const change of event.changes) lines.push(`      ~ ${change}`);
    const fixed = event.fix?.runId
      ? `    fixed at ${at(event.fix.at)} by run ${shortId(event.fix.runId)}; `
      : '    ';
    lines.push(`${fixed}${heldText(event)}`);
  }
  const hosts = [...new Set(events.map((event) => event.host))];
  lines.push(
    `${hosts.length} host${hosts.length === 1 ? '' : 's'} drifted (${events.length} setting${events.length === 1 ? '' : 's'}): ${hosts.join(', ')}`,
  );
  return lines;
}
