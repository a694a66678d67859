// Host patterns, as data: test/fixtures/inventory/patterns/cases.yml against inventory.yml
// there. Adding a case means adding a line to cases.yml.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { formatInputProblem } from '../../../src/errors.js';
import { loadInventories, parsePattern, selectHosts } from '../../../src/inventory/index.js';

const folder = new URL('../../fixtures/inventory/patterns/', import.meta.url);
const { inventory, problems } = loadInventories([fileURLToPath(new URL('inventory.yml', folder))], {
  defaultUser: 'tester',
});

interface PatternCase {
  pattern: string;
  hosts: string[];
  problems?: string[];
}

describe('host patterns', () => {
  test('the fixture inventory is valid', () => assert.deepEqual(problems.map(formatInputProblem), []));
  const cases: PatternCase[] = parse(readFileSync(new URL('cases.yml', folder), 'utf8'));
  for (const testCase of cases) {
    test(`'${testCase.pattern}'`, () => {
      const selected = selectHosts(inventory, testCase.pattern);
      assert.deepEqual(selected.hosts, testCase.hosts);
      const expected = testCase.problems ?? [];
      assert.equal(
        selected.problems.length,
        expected.length,
        `problems: ${JSON.stringify(selected.problems)}`,
      );
      for (const [index, part] of expected.entries()) {
        assert.ok(selected.problems[index]!.includes(part), selected.problems[index]);
      }
    });
  }
});

test('parsePattern keeps brackets and braces whole and reads & and ! prefixes', () => {
  assert.deepEqual(parsePattern('a:&b,!c:~x{1,2}:h[1:2]'), [
    { operation: 'union', text: 'a' },
    { operation: 'intersect', text: 'b' },
    { operation: 'exclude', text: 'c' },
    { operation: 'union', text: '~x{1,2}' },
    { operation: 'union', text: 'h[1:2]' },
  ]);
});
