// JUnit: a testsuite per host, a testcase per task, valid under the Jenkins schema; what counts
// as a failure follows --fail-on-change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { renderJunit } from '../../../src/report/index.js';
import { fleet, host, run, task } from './results.js';
import { junitSchemaErrors } from './xsd.js';

interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  testcase: {
    '@_name': string;
    failure?: { '@_type': string; '@_message': string; '#text'?: string };
    error?: unknown;
    skipped?: unknown;
    'system-err'?: string;
  }[];
}

function parse(xml: string): { root: Record<string, string>; suites: Suite[] } {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  const document = parser.parse(xml) as { testsuites: Record<string, string> & { testsuite: Suite[] } };
  return { root: document.testsuites, suites: document.testsuites.testsuite };
}

test('a testsuite per host and a testcase per task, valid under the JUnit schema', () => {
  const xml = renderJunit(fleet('check', 12), { failOnChange: false });
  assert.deepEqual(junitSchemaErrors(xml), []);
  const { root, suites } = parse(xml);
  assert.equal(suites.length, 12);
  assert.deepEqual(suites.map((suite) => suite['@_name']).slice(0, 2), ['hv001', 'hv002']);
  // Changes pass without --fail-on-change; the failed task fails; the unreachable host errors.
  assert.deepEqual([root['@_failures'], root['@_errors']], ['1', '1']);
  const failed = suites[10]!.testcase[1]!;
  assert.equal(failed.failure?.['@_type'], 'failed');
  assert.match(failed.failure?.['#text'] ?? '', /expected: 0\n {2}actual: {3}1 \| "one" & <b>/);
  assert.match(failed['system-err'] ?? '', /Permission denied/);
  const unreachable = suites[11]!;
  assert.deepEqual(
    [unreachable['@_errors'], unreachable['@_skipped'], unreachable.testcase[0]!['@_name']],
    ['1', '1', 'host'],
  );
});

test('with --fail-on-change, a task that would change is a failure', () => {
  const xml = renderJunit(fleet('check', 12), { failOnChange: true });
  assert.deepEqual(junitSchemaErrors(xml), []);
  const { root, suites } = parse(xml);
  // 10 drifted hosts (one with 2 tasks) + the failed host's pending change + its failure.
  assert.equal(root['@_failures'], String(10 + 1 + 1 + 1));
  const first = suites[0]!.testcase[0]!.failure!;
  assert.equal(first['@_type'], 'would_change');
  assert.match(first['@_message'], /^would change: load module br_netfilter; load br_netfilter at boot/);
  assert.match(first['#text'] ?? '', /\+br_netfilter/);
});

test('control characters and markup in names and output stay well-formed', () => {
  const nasty = 'a\u0000b\u001b[31m<x> & "q" ]]>';
  const xml = renderJunit(
    run('apply', [
      host(nasty, { tasks: [task({ name: nasty, status: 'failed', output: nasty, problems: [] })] }),
    ]),
    { failOnChange: false },
  );
  assert.deepEqual(junitSchemaErrors(xml), []);
  assert.equal(parse(xml).suites[0]!['@_name'], 'a\uFFFDb\uFFFD[31m<x> & "q" ]]>');
});
