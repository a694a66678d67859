import type { EngineEvent, RunResult, TaskResult } from '../engine/index.js';

// The one place secrets are taken out. run-apply passes every engine event and the final result
// through here before any view, report or stream sees them, so no renderer has to remember.

export const NO_LOG_TEXT = '(hidden: no_log)';
export const SECRET_MASK = '********';

export interface RedactOptions {
  /** Values of the --secret-vars variables: every occurrence in any string is masked. */
  secrets: Iterable<string>;
  /** `file:line:col` of the tasks marked `no_log: true` (a task's position names it in every result). */
  noLogSources: ReadonlySet<string>;
}

export interface Redactor {
  text(text: string): string;
  event(event: EngineEvent): EngineEvent;
  result(result: RunResult): RunResult;
}

export function createRedactor(options: RedactOptions): Redactor {
  const secrets = [...options.secrets];
  // Nothing to hide: no copy of every event and result (a deep copy per task and per host was a
  // good part of what a thousand-host run allocated).
  if (options.noLogSources.size === 0 && secrets.every((value) => value === ''))
    return { text: (text) => text, event: (event) => event, result: (result) => result };
  const mask = secretMasker(secrets);
  const task = (result: TaskResult): TaskResult =>
    maskStrings(options.noLogSources.has(result.source) ? hideTaskDetails(result) : result, mask);
  return {
    text: mask,
    event(event) {
      if (event.type === 'task-done') return { ...event, host: mask(event.host), task: task(event.task) };
      if (event.type === 'host-done')
        return {
          ...event,
          host: mask(event.host),
          result: maskStrings({ ...event.result, tasks: event.result.tasks.map(task) }, mask),
        };
      return maskStrings(event, mask);
    },
    result: (result) =>
      maskStrings(
        { ...result, hosts: result.hosts.map((host) => ({ ...host, tasks: host.tasks.map(task) })) },
        mask,
      ),
  };
}

/**
 * Ansible's no_log: the name and the status stay (a reviewer must see that something would
 * change), every value the task found or would write goes.
 */
export function hideTaskDetails(task: TaskResult): TaskResult {
  return {
    ...task,
    changes: task.changes.map((change) => ({
      summary: NO_LOG_TEXT,
      ...(change.repeats ? { repeats: change.repeats } : {}),
    })),
    problems: task.problems.map((problem) => ({
      severity: problem.severity,
      message: NO_LOG_TEXT,
      ...(problem.expected === undefined ? {} : { expected: NO_LOG_TEXT }),
      ...(problem.actual === undefined ? {} : { actual: NO_LOG_TEXT }),
    })),
    ...(task.output === undefined ? {} : { output: NO_LOG_TEXT }),
  };
}

/** Longest first, so a secret that contains another is masked whole. Empty values cannot be found, so they are skipped. */
function secretMasker(secrets: Iterable<string>): (text: string) => string {
  const values = [...new Set(secrets)]
    .filter((value) => value.length > 0)
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const pattern = new RegExp(
    values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return (text) => text.replace(pattern, SECRET_MASK);
}

/** A copy of a JSON-shaped value with `mask` applied to every string in it. */
function maskStrings<T>(value: T, mask: (text: string) => string): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return mask(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    return node;
  };
  // The walk keeps every key and the type of every non-string value.
  return walk(value) as T;
}
