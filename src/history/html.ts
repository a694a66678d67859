import Handlebars from 'handlebars';
import type { DriftEvent } from './drift.js';
import type { StoredRun, TaskObservation } from './query.js';
import { hostTimeline, STATUS_COLOURS } from './timeline.js';

// `netfix history --html FILE`: one self-contained page (no script, no external file) with a
// summary of drift per host and an SVG timeline per host, one row per task.

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>netfix history since {{since}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}
.drifted{color:#c62828;font-weight:bold}.legend span{margin-right:1.2em}
svg text{font:12px system-ui,sans-serif}section{margin-top:2em}
</style></head><body>
<h1>netfix history</h1>
<p>{{runCount}} runs from {{since}} to {{untilText}}; {{driftedCount}} of {{hostCount}} hosts drifted.</p>
<p class="legend">{{#each legend}}<span><svg width="12" height="12"><circle cx="6" cy="6" r="5" fill="{{colour}}"/></svg> {{status}}</span>{{/each}}
<span><svg width="16" height="12"><rect width="16" height="12" fill="#c62828" fill-opacity="0.2"/></svg> drifted in this interval</span></p>
<h2>Drift</h2>
{{#if drift.length}}<table><tr><th>host</th><th>setting</th><th>drifted between</th><th>what changed</th><th>fix held</th></tr>
{{#each drift}}<tr class="drift-row" data-host="{{host}}"><td>{{host}}</td><td>{{task}}</td><td>{{lastInPlaceAt}} – {{foundAt}}</td><td>{{changes}}</td><td>{{held}}</td></tr>
{{/each}}</table>{{else}}<p>No drift in this period.</p>{{/if}}
<h2>Timelines</h2>
{{#each hosts}}<section id="host-{{name}}"><h3{{#if drifted}} class="drifted"{{/if}}>{{name}}{{#if drifted}} (drifted){{/if}}</h3>
<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-host="{{name}}" width="{{timeline.width}}" height="{{timeline.height}}" viewBox="0 0 {{timeline.width}} {{timeline.height}}">
{{#each timeline.rows}}<g class="task{{#if drifted}} drifted{{/if}}"><text x="4" y="{{labelY}}">{{label}}</text>
<line x1="{{../timeline.plotLeft}}" x2="{{../timeline.plotRight}}" y1="{{lineY}}" y2="{{lineY}}" stroke="#ccc"/>
{{#each bands}}<rect class="drift" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" fill="#c62828" fill-opacity="0.2"><title>{{title}}</title></rect>
{{/each}}{{#each points}}<circle cx="{{x}}" cy="{{y}}" r="5" fill="{{colour}}"><title>{{title}}</title></circle>
{{/each}}</g>
{{/each}}<line x1="{{timeline.plotLeft}}" x2="{{timeline.plotRight}}" y1="{{timeline.axisY}}" y2="{{timeline.axisY}}" stroke="#444"/>
<text x="{{timeline.plotLeft}}" y="{{add timeline.axisY 16}}">{{timeline.startLabel}}</text>
<text x="{{timeline.plotRight}}" y="{{add timeline.axisY 16}}" text-anchor="end">{{timeline.endLabel}}</text>
</svg></section>
{{/each}}
</body></html>
`;

const minute = (iso: string) => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');

const handlebars = Handlebars.create();
handlebars.registerHelper('add', (a: number, b: number) => a + b);
// HTML escaping stays on: host and task names come from inventories and playbooks.
const render = handlebars.compile(PAGE, { strict: true });

export function historyPage(input: {
  runs: readonly StoredRun[];
  observations: readonly TaskObservation[];
  events: readonly DriftEvent[];
  since: string;
  until: string;
}): string {
  const hostNames = [
    ...new Set(input.observations.filter((o) => o.at >= input.since).map((o) => o.host)),
  ].sort();
  const drifted = new Set(input.events.map((event) => event.host));
  const ordered = [...hostNames.filter((h) => drifted.has(h)), ...hostNames.filter((h) => !drifted.has(h))];
  // The plot spans the runs, not the whole --since window: a week of axis for one hour of runs
  // would draw every dot on top of the others.
  const times = input.observations
    .map((o) => o.at)
    .filter((at) => at >= input.since)
    .sort();
  const range = { from: times[0] ?? input.since, to: times.at(-1) ?? input.until };
  return render({
    since: minute(input.since),
    untilText: minute(input.until),
    runCount: input.runs.length,
    hostCount: hostNames.length,
    driftedCount: drifted.size,
    legend: Object.entries(STATUS_COLOURS).map(([status, colour]) => ({ status, colour })),
    drift: input.events.map((event) => ({
      host: event.host,
      task: event.task,
      lastInPlaceAt: minute(event.lastInPlaceAt),
      foundAt: `${minute(event.foundAt)} (${event.foundMode})`,
      changes: event.changes.join('; '),
      held: event.held,
    })),
    hosts: ordered.map((name) => ({
      name,
      drifted: drifted.has(name),
      timeline: hostTimeline(
        input.observations.filter((o) => o.host === name),
        input.events.filter((event) => event.host === name),
        range,
      ),
    })),
  });
}
