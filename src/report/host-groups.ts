import type { HostResult, RunResult, TaskResult, TaskStatus } from '../engine/index.js';

// 500 hosts with the same drift must read as one entry, in the terminal and in every report:
// hosts whose selected tasks are identical form one group, the largest group first.

export interface HostGroup {
  hosts: string[];
  /** The group's tasks, as the first host reported them (every host of the group has the same). */
  tasks: TaskResult[];
  /** Why the host stopped when no task says it (unreachable, probe failed, not started). */
  hostError?: string | undefined;
}

function groupBy(
  result: RunResult,
  select: (host: HostResult) => { tasks: TaskResult[]; hostError?: string | undefined } | undefined,
  keyOf: (task: TaskResult) => unknown,
): HostGroup[] {
  const groups = new Map<string, HostGroup>();
  for (const host of result.hosts) {
    const selected = select(host);
    if (!selected) continue;
    const key = JSON.stringify([selected.hostError ?? null, selected.tasks.map(keyOf)]);
    const group = groups.get(key) ?? { hosts: [], ...selected };
    group.hosts.push(host.name);
    groups.set(key, group);
  }
  // Stable sort: equal sizes keep inventory order.
  return [...groups.values()].sort((a, b) => b.hosts.length - a.hosts.length);
}

export function changeStatusesOf(mode: RunResult['mode']): readonly TaskStatus[] {
  return mode === 'check' ? ['would_change', 'may_change'] : ['changed'];
}

/** Hosts by what changed (in check mode: what would change), task by task. */
export function changeGroups(result: RunResult): HostGroup[] {
  const statuses = changeStatusesOf(result.mode);
  return groupBy(
    result,
    (host) => {
      const tasks = host.tasks.filter((task) => statuses.includes(task.status));
      return tasks.length > 0 ? { tasks } : undefined;
    },
    // A may-change task shows its reasons, so they are part of what must be identical.
    (task) => [
      task.name,
      task.source,
      task.status,
      task.changes,
      task.status === 'may_change' && task.problems,
    ],
  );
}

/** Hosts by how they failed: failed tasks with their problems and remote output, or the host's own error. */
export function failureGroups(result: RunResult): HostGroup[] {
  return groupBy(
    result,
    (host) => {
      const tasks = host.tasks.filter((task) => task.status === 'failed');
      if (tasks.length > 0) return { tasks };
      if (host.status === 'failed' || host.status === 'unreachable')
        return { tasks: [], hostError: host.error ?? host.status };
      return undefined;
    },
    (task) => [task.name, task.source, task.problems, task.output ?? null],
  );
}

/** Hosts by the warnings of tasks that did not fail (a read-only parameter, a check that could not run). */
export function warningGroups(result: RunResult): HostGroup[] {
  return groupBy(
    result,
    (host) => {
      const tasks = host.tasks
        .filter(
          (task) => task.status !== 'failed' && task.status !== 'skipped' && task.status !== 'may_change',
        )
        .filter((task) => task.problems.some((problem) => problem.severity === 'warning'));
      return tasks.length > 0 ? { tasks } : undefined;
    },
    (task) => [task.name, task.source, task.problems],
  );
}

/** `hv001, hv002, …, hv008 … +42`: enough names to recognise the group, and how many more. */
export function hostListText(hosts: readonly string[], shown = 8): string {
  if (hosts.length <= shown) return hosts.join(', ');
  return `${hosts.slice(0, shown).join(', ')}, … +${hosts.length - shown}`;
}

export function changeCount(tasks: readonly TaskResult[]): number {
  return tasks.reduce((sum, task) => sum + task.changes.length, 0);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
