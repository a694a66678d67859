import type { TaskStatus } from '../engine/index.js';
import type { DriftEvent } from './drift.js';
import type { TaskObservation } from './query.js';

// The geometry of a host's drift timeline: one row per task, one dot per run, a band over the
// time in which each drift happened. Pure numbers; html.ts draws them.

export const STATUS_COLOURS: Record<TaskStatus, string> = {
  ok: '#2e7d32',
  changed: '#1565c0',
  would_change: '#ef6c00',
  may_change: '#f9a825',
  failed: '#c62828',
  skipped: '#9e9e9e',
};

const LABEL_WIDTH = 300;
const PLOT_WIDTH = 600;
const ROW_HEIGHT = 24;
const TOP = 10;
const AXIS = 30;

export interface TimelinePoint {
  x: number;
  y: number;
  colour: string;
  title: string;
}

export interface TimelineBand {
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
}

export interface TimelineRow {
  label: string;
  labelY: number;
  lineY: number;
  drifted: boolean;
  points: TimelinePoint[];
  bands: TimelineBand[];
}

export interface Timeline {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  axisY: number;
  startLabel: string;
  endLabel: string;
  rows: TimelineRow[];
}

const stamp = (iso: string) => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');

export function hostTimeline(
  observations: readonly TaskObservation[],
  events: readonly DriftEvent[],
  range: { from: string; to: string },
): Timeline {
  const start = Date.parse(range.from);
  const span = Math.max(1, Date.parse(range.to) - start);
  const x = (iso: string) =>
    LABEL_WIDTH + Math.max(0, Math.min(1, (Date.parse(iso) - start) / span)) * PLOT_WIDTH;
  const tasks: { play: string; task: string }[] = [];
  for (const observation of observations)
    if (
      !observation.handler &&
      !tasks.some((t) => t.play === observation.play && t.task === observation.task)
    )
      tasks.push({ play: observation.play, task: observation.task });
  const rows = tasks.map(({ play, task }, index): TimelineRow => {
    const top = TOP + index * ROW_HEIGHT;
    const lineY = top + ROW_HEIGHT / 2;
    const mine = events.filter((event) => event.play === play && event.task === task);
    return {
      label: task,
      labelY: lineY + 4,
      lineY,
      drifted: mine.length > 0,
      points: observations
        .filter((o) => o.play === play && o.task === task && o.at >= range.from)
        .map((o) => ({
          x: x(o.at),
          y: lineY,
          colour: STATUS_COLOURS[o.status],
          title: `${stamp(o.at)} ${o.mode} run ${o.runId.slice(0, 8)}: ${o.status}${o.changes.length ? ` — ${o.changes.map((c) => c.summary).join('; ')}` : ''}`,
        })),
      bands: mine.map((event) => {
        const left = x(event.lastInPlaceAt);
        return {
          x: left,
          y: top + 2,
          width: Math.max(4, x(event.foundAt) - left),
          height: ROW_HEIGHT - 4,
          title: `drifted between ${stamp(event.lastInPlaceAt)} and ${stamp(event.foundAt)}: ${event.changes.join('; ')} (fix held: ${event.held})`,
        };
      }),
    };
  });
  const axisY = TOP + rows.length * ROW_HEIGHT + 6;
  return {
    width: LABEL_WIDTH + PLOT_WIDTH + 20,
    height: axisY + AXIS,
    plotLeft: LABEL_WIDTH,
    plotRight: LABEL_WIDTH + PLOT_WIDTH,
    axisY,
    startLabel: stamp(range.from),
    endLabel: stamp(range.to),
    rows,
  };
}
