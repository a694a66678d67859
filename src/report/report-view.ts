import type { ChangeRecord, HostResult, RunResult, TaskResult } from '../engine/index.js';
import {
  changeCount,
  changeGroups,
  changeStatusesOf,
  failureGroups,
  type HostGroup,
  hostListText,
  plural,
  warningGroups,
} from './host-groups.js';
import { countTasks, summarize } from './recap.js';

// What the Markdown and HTML templates render: the run result arranged for reading. Every
// field is always present (null or [] when empty) because templates compile in strict mode,
// where a misspelt field is an error instead of an empty string. A custom --report-template
// gets the same object; README "Reports" lists its fields.

export interface DiffLine {
  text: string;
  kind: 'add' | 'del' | 'hunk' | 'meta' | 'ctx';
}

export interface ChangeView {
  summary: string;
  runtime: { key: string; before: string; after: string } | null;
  file: { path: string; diff: string; lines: DiffLine[] } | null;
}

export interface ProblemView {
  severity: 'error' | 'warning';
  message: string;
  expected: string | null;
  actual: string | null;
  hasValues: boolean;
}

export interface TaskView {
  name: string;
  play: string;
  module: string;
  source: string;
  status: TaskResult['status'];
  statusText: string;
  handler: boolean;
  durationMs: number;
  changes: ChangeView[];
  problems: ProblemView[];
  output: string | null;
  hasDetails: boolean;
}

export interface GroupView {
  id: string;
  hostCount: number;
  /** A few names and how many more. */
  hostsText: string;
  /** Every name, comma separated. */
  allHosts: string;
  headline: string;
  hostError: string | null;
  tasks: TaskView[];
}

export interface HostView {
  name: string;
  address: string;
  status: HostResult['status'];
  statusText: string;
  error: string | null;
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  duration: string;
  /** Lower-case words the host filter matches: name, address, status. */
  search: string;
  tasks: TaskView[];
}

export interface ChartRow {
  label: string;
  fullLabel: string;
  count: number;
  css: string;
  y: number;
  textY: number;
  barWidth: number;
  valueX: number;
}

export interface ChartView {
  width: number;
  height: number;
  labelWidth: number;
  rows: ChartRow[];
  empty: boolean;
}

export interface ReportView {
  title: string;
  mode: RunResult['mode'];
  check: boolean;
  modeText: string;
  /** 'would change' in check mode, 'changed' after an apply. */
  changedText: string;
  netfixVersion: string;
  schemaVersion: number;
  startedAt: string;
  duration: string;
  interrupted: boolean;
  stopped?: string | undefined;
  counts: {
    hosts: number;
    ok: number;
    changed: number;
    failed: number;
    unreachable: number;
    /** Changes listed (would be made, or made) over every host. */
    changes: number;
  };
  statusChart: ChartView;
  taskChart: ChartView;
  changeGroups: GroupView[];
  failureGroups: GroupView[];
  warningGroups: GroupView[];
  hosts: HostView[];
}

const statusText: Record<string, string> = {
  ok: 'ok',
  changed: 'changed',
  would_change: 'would change',
  may_change: 'may change',
  failed: 'failed',
  skipped: 'skipped',
  unreachable: 'unreachable',
};

export function buildReportView(result: RunResult): ReportView {
  const check = result.mode === 'check';
  const totals = summarize(result);
  const changedText = check ? 'would change' : 'changed';
  return {
    title: `netfix ${check ? 'check' : 'apply'}: ${plural(result.hosts.length, 'host')}, ${result.startedAt}`,
    mode: result.mode,
    check,
    modeText: check ? 'check mode: nothing was changed' : 'apply',
    changedText,
    netfixVersion: result.netfixVersion,
    schemaVersion: result.schemaVersion,
    startedAt: result.startedAt,
    duration: formatDuration(result.durationMs),
    interrupted: result.interrupted,
    stopped: result.stopped,
    counts: {
      hosts: result.hosts.length,
      ...totals,
      changes: result.hosts.reduce(
        (sum, host) =>
          sum + changeCount(host.tasks.filter((task) => changeStatusesOf(result.mode).includes(task.status))),
        0,
      ),
    },
    statusChart: barChart([
      { label: 'ok', count: totals.ok, css: 'ok' },
      { label: changedText, count: totals.changed, css: 'changed' },
      { label: 'failed', count: totals.failed, css: 'failed' },
      { label: 'unreachable', count: totals.unreachable, css: 'unreachable' },
      ...(totals.skipped > 0 ? [{ label: 'not started', count: totals.skipped, css: 'skipped' }] : []),
    ]),
    taskChart: barChart(changesByTask(result)),
    changeGroups: changeGroups(result).map((group, index) =>
      groupView(group, `changes-${index + 1}`, changeHeadline(group)),
    ),
    failureGroups: failureGroups(result).map((group, index) =>
      groupView(
        group,
        `failures-${index + 1}`,
        `${plural(group.hosts.length, 'host')}: ${hostListText(group.hosts)}`,
      ),
    ),
    warningGroups: warningGroups(result).map((group, index) =>
      groupView(
        group,
        `warnings-${index + 1}`,
        `${plural(group.hosts.length, 'host')}: ${hostListText(group.hosts)}`,
      ),
    ),
    hosts: result.hosts.map((host) => hostView(host, changedText)),
  };
}

function changeHeadline(group: HostGroup): string {
  const count = changeCount(group.tasks);
  const uncertain = group.tasks.filter((task) => task.status === 'may_change').length;
  const same = group.hosts.length > 1 ? 'the same ' : '';
  return `${plural(group.hosts.length, 'host')}: ${same}${plural(count, 'change')}${uncertain ? `, and ${plural(uncertain, 'task')} that may change` : ''}`;
}

function groupView(group: HostGroup, id: string, headline: string): GroupView {
  return {
    id,
    hostCount: group.hosts.length,
    hostsText: hostListText(group.hosts),
    allHosts: group.hosts.join(', '),
    headline,
    hostError: group.hostError ?? null,
    tasks: group.tasks.map(taskView),
  };
}

function hostView(host: HostResult, changedText: string): HostView {
  const counts = countTasks(host);
  return {
    name: host.name,
    address: host.address,
    status: host.status,
    statusText: host.status === 'changed' ? changedText : (statusText[host.status] ?? host.status),
    error: host.error ?? null,
    ok: counts.ok,
    changed: counts.changed,
    failed: counts.failed,
    skipped: counts.skipped,
    duration: formatDuration(host.durationMs),
    search: `${host.name} ${host.address} ${host.status} ${host.status === 'changed' ? changedText : ''}`
      .trim()
      .toLowerCase(),
    tasks: host.tasks.map(taskView),
  };
}

export function taskView(task: TaskResult): TaskView {
  return {
    name: task.name,
    play: task.play,
    module: task.module,
    source: task.source,
    status: task.status,
    statusText: statusText[task.status] ?? task.status,
    handler: task.handler,
    durationMs: task.durationMs,
    changes: task.changes.map(changeView),
    problems: task.problems.map((problem) => ({
      severity: problem.severity,
      message: problem.message,
      expected: problem.expected ?? null,
      actual: problem.actual ?? null,
      hasValues: problem.expected !== undefined || problem.actual !== undefined,
    })),
    output: task.output?.trimEnd() || null,
    hasDetails: task.changes.length > 0 || task.problems.length > 0 || Boolean(task.output),
  };
}

function changeView(change: ChangeRecord): ChangeView {
  return {
    summary: change.summary,
    runtime: change.runtime
      ? { key: change.runtime.key, before: change.runtime.before ?? '(none)', after: change.runtime.after }
      : null,
    file: change.file
      ? { path: change.file.path, diff: change.file.diff.trimEnd(), lines: diffLines(change.file.diff) }
      : null,
  };
}

export function diffLines(diff: string): DiffLine[] {
  return diff
    .trimEnd()
    .split('\n')
    .map((text) => ({
      text,
      kind:
        text.startsWith('+++') || text.startsWith('---')
          ? 'meta'
          : text.startsWith('@@')
            ? 'hunk'
            : text.startsWith('+')
              ? 'add'
              : text.startsWith('-')
                ? 'del'
                : 'ctx',
    }));
}

/** Hosts on which each task changed (or would change), most first. */
function changesByTask(result: RunResult): { label: string; count: number; css: string }[] {
  const statuses = changeStatusesOf(result.mode);
  const counts = new Map<string, { label: string; count: number }>();
  for (const host of result.hosts)
    for (const task of host.tasks) {
      if (!statuses.includes(task.status)) continue;
      const key = `${task.source} ${task.name}`;
      const entry = counts.get(key) ?? { label: task.name, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_CHART_ROWS)
    .map((entry) => ({ ...entry, css: 'changed' }));
}

const MAX_CHART_ROWS = 20;
const CHART = { width: 560, labelWidth: 250, valueWidth: 50, rowHeight: 26, barHeight: 16, labelChars: 38 };

/** Horizontal bars, scaled to the largest count; the geometry is computed here so templates stay dumb. */
function barChart(rows: { label: string; count: number; css: string }[]): ChartView {
  const max = Math.max(1, ...rows.map((row) => row.count));
  const room = CHART.width - CHART.labelWidth - CHART.valueWidth;
  return {
    width: CHART.width,
    height: Math.max(1, rows.length) * CHART.rowHeight + 8,
    labelWidth: CHART.labelWidth,
    empty: rows.every((row) => row.count === 0),
    rows: rows.map((row, index) => {
      const barWidth = row.count === 0 ? 0 : Math.max(2, Math.round((row.count / max) * room));
      const y = 4 + index * CHART.rowHeight + (CHART.rowHeight - CHART.barHeight) / 2;
      return {
        label:
          row.label.length > CHART.labelChars ? `${row.label.slice(0, CHART.labelChars - 1)}…` : row.label,
        fullLabel: row.label,
        count: row.count,
        css: row.css,
        y,
        textY: y + CHART.barHeight - 4,
        barWidth,
        valueX: CHART.labelWidth + barWidth + 6,
      };
    }),
  };
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
