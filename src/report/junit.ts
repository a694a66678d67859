import type { HostResult, RunResult, TaskResult } from '../engine/index.js';
import { changeStatusesOf } from './host-groups.js';

// JUnit XML for CI tools: a testsuite per host, a testcase per task. Only the elements and
// attributes the Jenkins JUnit schema (junit-10.xsd) allows are written, so Jenkins, GitLab and
// the others read it; test/fixtures/reports/junit.xsd checks that in the tests.
//   ok, changed, would/may change  -> passed (changes in system-out), or a failure with --fail-on-change
//   failed                         -> failure: problems, expected vs actual, remote output
//   skipped                        -> skipped, with the reason
//   unreachable, or a host error no task carries -> one extra testcase "host" with an error

export interface JunitOptions {
  /** A task that changed, or in check mode would change, is a failure (drift as a red build). */
  failOnChange: boolean;
}

interface Testcase {
  xml: string;
  failure: boolean;
  error: boolean;
  skipped: boolean;
}

export function renderJunit(result: RunResult, options: JunitOptions): string {
  const suites = result.hosts.map((host, index) => testsuite(result, host, index, options));
  const all = suites.flatMap((suite) => suite.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`netfix ${result.mode}`)}" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" time="${seconds(result.durationMs)}">`,
    ...suites.map((suite) => suite.xml),
    '</testsuites>',
    '',
  ];
  return lines.join('\n');
}

function testsuite(
  result: RunResult,
  host: HostResult,
  index: number,
  options: JunitOptions,
): { xml: string; cases: Testcase[] } {
  const cases = host.tasks.map((task) => testcase(result, host, task, options));
  const failedTask = host.tasks.some((task) => task.status === 'failed');
  if ((host.status === 'unreachable' || host.status === 'failed') && !failedTask)
    cases.unshift(hostErrorCase(host));
  const properties = [
    ['address', host.address],
    ['status', host.status],
    ['mode', result.mode],
    ['connects', String(host.stats.connects)],
    ['execs', String(host.stats.execs)],
  ];
  const xml = [
    `  <testsuite name="${attr(host.name)}" tests="${cases.length}" failures="${count(cases, 'failure')}" errors="${count(cases, 'error')}" skipped="${count(cases, 'skipped')}" time="${seconds(host.durationMs)}" timestamp="${attr(result.startedAt)}" hostname="${attr(host.address)}" id="${index}" package="netfix">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${attr(name!)}" value="${attr(value!)}"/>`),
    '    </properties>',
    ...cases.map((testcase) => testcase.xml),
    '  </testsuite>',
  ].join('\n');
  return { xml, cases };
}

function testcase(result: RunResult, host: HostResult, task: TaskResult, options: JunitOptions): Testcase {
  const open = `    <testcase name="${attr(`${task.handler ? 'handler: ' : ''}${task.name}`)}" classname="${attr(host.name)}" time="${seconds(task.durationMs)}">`;
  const changing = changeStatusesOf(result.mode).includes(task.status);
  const body: string[] = [];
  let failure = false;
  let skipped = false;
  if (task.status === 'failed') {
    failure = true;
    const first = task.problems.find((problem) => problem.severity === 'error') ?? task.problems[0];
    body.push(
      `      <failure type="failed" message="${attr(first?.message ?? 'failed')}">${text(problemsText(task))}</failure>`,
    );
  } else if (task.status === 'skipped') {
    skipped = true;
    body.push(`      <skipped message="${attr(task.problems[0]?.message ?? 'skipped')}"/>`);
  } else if (changing && options.failOnChange) {
    failure = true;
    body.push(
      `      <failure type="${task.status}" message="${attr(`${task.status.replace('_', ' ')}: ${task.changes.map((change) => change.summary).join('; ') || task.problems[0]?.message || ''}`)}">${text(changesText(task))}</failure>`,
    );
  }
  const out = [changesText(task), task.status === 'failed' ? '' : problemsText(task)]
    .filter(Boolean)
    .join('\n');
  if (out) body.push(`      <system-out>${text(out)}</system-out>`);
  if (task.output) body.push(`      <system-err>${text(task.output)}</system-err>`);
  return {
    xml: body.length === 0 ? `${open.slice(0, -1)}/>` : [open, ...body, '    </testcase>'].join('\n'),
    failure,
    error: false,
    skipped,
  };
}

function hostErrorCase(host: HostResult): Testcase {
  const message = host.error ?? host.status;
  return {
    xml: [
      `    <testcase name="host" classname="${attr(host.name)}" time="${seconds(host.durationMs)}">`,
      `      <error type="${host.status}" message="${attr(message)}">${text(message)}</error>`,
      '    </testcase>',
    ].join('\n'),
    failure: false,
    error: true,
    skipped: false,
  };
}

function changesText(task: TaskResult): string {
  return task.changes
    .flatMap((change) => [
      `${task.status.replace('_', ' ')}: ${change.summary}`,
      ...(change.runtime
        ? [`  ${change.runtime.key}: ${change.runtime.before ?? '(none)'} -> ${change.runtime.after}`]
        : []),
      ...(change.file ? [change.file.diff.trimEnd()] : []),
    ])
    .join('\n');
}

function problemsText(task: TaskResult): string {
  return task.problems
    .flatMap((problem) => [
      `${problem.severity}: ${problem.message}`,
      ...(problem.expected !== undefined || problem.actual !== undefined
        ? [`  expected: ${problem.expected ?? '-'}`, `  actual:   ${problem.actual ?? '-'}`]
        : []),
    ])
    .join('\n');
}

function count(cases: Testcase[], kind: 'failure' | 'error' | 'skipped'): number {
  return cases.filter((testcase) => testcase[kind]).length;
}

/** Jenkins' schema wants plain decimal seconds (SUREFIRE_TIME). */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/**
 * XML 1.0 cannot hold most control characters, even escaped; remote output may contain them
 * (a terminal escape, a stray NUL). They become U+FFFD so the file stays well-formed.
 */
function xmlSafe(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

function text(value: string): string {
  return xmlSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
