import type { HostResult, RunResult, TaskResult } from '../engine/index.js';
import {
  changeCount,
  changeGroups,
  failureGroups,
  hostListText,
  plural,
  warningGroups,
} from './host-groups.js';

// Text a person reads at the end of a run. Pure: returns lines, the caller prints them.

export interface RecapCounts {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
}

/** Ansible's reading: ok counts every task that ran without failing, changed ones included. */
export function countTasks(host: HostResult): RecapCounts {
  const count = (predicate: (task: TaskResult) => boolean) => host.tasks.filter(predicate).length;
  return {
    ok: count((task) => task.status !== 'failed' && task.status !== 'skipped'),
    changed: count(
      (task) => task.status === 'changed' || task.status === 'would_change' || task.status === 'may_change',
    ),
    failed: count((task) => task.status === 'failed'),
    skipped: count((task) => task.status === 'skipped'),
    unreachable: host.status === 'unreachable' ? 1 : 0,
  };
}

export function recapLines(result: RunResult, options: { stats: boolean }): string[] {
  const width = Math.max(4, ...result.hosts.map((host) => host.name.length));
  const lines = [`RECAP (${result.mode === 'check' ? 'check mode: nothing was changed' : 'apply'})`];
  for (const host of result.hosts) {
    const counts = countTasks(host);
    let line = `${host.name.padEnd(width)} : ok=${counts.ok} changed=${counts.changed} unreachable=${counts.unreachable} failed=${counts.failed} skipped=${counts.skipped}`;
    if (options.stats)
      line += `  | connects=${host.stats.connects} execs=${host.stats.execs} sent=${host.stats.bytesSent}B received=${host.stats.bytesReceived}B ${host.durationMs}ms`;
    lines.push(line);
    // Hosts never started share one reason, said once below.
    if (host.error && host.status !== 'skipped')
      lines.push(`${' '.repeat(width)}   ${host.status}: ${host.error}`);
  }
  const totals = summarize(result);
  lines.push(
    `${result.hosts.length} hosts: ${totals.ok} ok, ${totals.changed} ${result.mode === 'check' ? 'would change' : 'changed'}, ${totals.failed} failed, ${totals.unreachable} unreachable${totals.skipped ? `, ${totals.skipped} not started` : ''} in ${(result.durationMs / 1000).toFixed(1)}s`,
  );
  if (result.stopped) lines.push(`STOPPED: ${result.stopped}; later batches and plays were not started`);
  if (options.stats) {
    const execs = result.hosts.reduce((sum, host) => sum + host.stats.execs, 0);
    const connects = result.hosts.reduce((sum, host) => sum + host.stats.connects, 0);
    lines.push(`round trips: ${connects} connects, ${execs} execs over ${result.hosts.length} hosts`);
  }
  return lines;
}

export function summarize(result: RunResult): {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
} {
  const count = (status: HostResult['status']) =>
    result.hosts.filter((host) => host.status === status).length;
  return {
    ok: count('ok'),
    changed: count('changed'),
    failed: count('failed'),
    unreachable: count('unreachable'),
    skipped: count('skipped'),
  };
}

/** One line per finished task, for plain (non-TTY) output as the run goes. */
export function taskLine(host: string, task: TaskResult, options: { diff: boolean }): string[] {
  const label = task.status.replace('_', ' ');
  const lines = [`[${host}] ${label}: ${task.handler ? 'handler ' : ''}${task.name}`];
  for (const change of task.changes)
    lines.push(`    ${task.status === 'changed' ? '*' : '~'} ${change.summary}`);
  if (options.diff)
    for (const change of task.changes) if (change.file) lines.push(indent(change.file.diff.trimEnd(), 6));
  for (const problem of task.problems) {
    if (task.status === 'skipped') continue;
    lines.push(`    ${problem.severity}: ${problem.message}`);
    if (problem.expected !== undefined || problem.actual !== undefined)
      lines.push(`      expected: ${problem.expected ?? '-'}`, `      actual:   ${problem.actual ?? '-'}`);
  }
  if (task.status === 'failed' && task.output)
    lines.push('    remote output:', indent(task.output.trimEnd(), 6));
  return lines;
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

/**
 * What changed (or, in check mode, would change), hosts with identical changes grouped so that
 * 500 hosts with the same drift read as one entry. Diffs are always shown in check mode (they
 * are what a review reads), after an apply only with --diff.
 */
export function groupedChangesLines(result: RunResult, options: { diff: boolean }): string[] {
  const groups = changeGroups(result);
  if (groups.length === 0) return [];
  const check = result.mode === 'check';
  const showDiffs = check || options.diff;
  const lines = [
    `${check ? 'CHANGES THAT WOULD BE MADE' : 'CHANGES MADE'}: ${plural(
      groups.reduce((sum, group) => sum + group.hosts.length, 0),
      'host',
    )} in ${plural(groups.length, 'group')} of identical changes`,
  ];
  for (const group of groups) {
    const count = changeCount(group.tasks);
    const uncertain = group.tasks.filter((task) => task.status === 'may_change').length;
    lines.push(
      '',
      `${plural(group.hosts.length, 'host')} (${hostListText(group.hosts)}): ${plural(count, 'change')}${group.hosts.length > 1 ? ' each' : ''}${uncertain ? `, and ${plural(uncertain, 'task')} that may change` : ''}`,
    );
    for (const task of group.tasks) {
      lines.push(
        `  task "${task.name}" (${task.source})${task.status === 'may_change' ? ' may change:' : ''}`,
      );
      // The reason, and what the host says now; the rest is in the reports.
      if (task.status === 'may_change')
        for (const problem of task.problems.slice(0, 2)) lines.push(`    ? ${problem.message}`);
      for (const change of task.changes) {
        lines.push(`    ${check ? '~' : '*'} ${change.summary}`);
        if (change.runtime)
          lines.push(
            `      ${change.runtime.key}: ${change.runtime.before ?? '(none)'} -> ${change.runtime.after}`,
          );
        if (change.file && showDiffs) lines.push(indent(change.file.diff.trimEnd(), 6));
      }
    }
  }
  return lines;
}

/**
 * Failures and warnings at the end of a run, grouped like the changes: 500 hosts refusing the
 * same line read as one entry, with the expected vs actual and remote output it showed.
 */
export function groupedProblemsLines(result: RunResult): string[] {
  const lines: string[] = [];
  const sections = [
    { title: 'FAILURES', groups: failureGroups(result) },
    { title: 'WARNINGS', groups: warningGroups(result) },
  ];
  for (const { title, groups } of sections) {
    if (groups.length === 0) continue;
    lines.push('', title);
    for (const group of groups) {
      const hosts = `${plural(group.hosts.length, 'host')} (${hostListText(group.hosts)})`;
      if (group.hostError) {
        lines.push(`${hosts}: ${group.hostError}`);
        continue;
      }
      lines.push(`${hosts}:`);
      for (const task of group.tasks) {
        lines.push(`  task "${task.name}" (${task.source})${task.status === 'failed' ? ' failed' : ''}:`);
        for (const problem of task.problems) {
          if (title === 'WARNINGS' && problem.severity !== 'warning') continue;
          lines.push(`    ${problem.severity}: ${problem.message}`);
          if (problem.expected !== undefined || problem.actual !== undefined)
            lines.push(
              `      expected: ${problem.expected ?? '-'}`,
              `      actual:   ${problem.actual ?? '-'}`,
            );
        }
        if (task.status === 'failed' && task.output)
          lines.push('    remote output:', indent(task.output.trimEnd(), 6));
      }
    }
  }
  return lines;
}
