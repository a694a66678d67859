// Inventory fixtures, one case per file or folder (adding a case means adding a file):
//   test/fixtures/inventory/bad/<case>.yml   + <case>.errors        every problem, exactly
//   test/fixtures/inventory/good/<case>.yml  + <case>.expected.yml  hosts, vars, connections
//   test/fixtures/inventory/good/<case>/*.yml (several -i files, in name order)
//                                             + <case>/expected.yml
// UPDATE_FIXTURES=1 rewrites the expected files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { formatInputProblem } from '../../../src/errors.js';
import { type Inventory, loadInventories } from '../../../src/inventory/index.js';
import { assertProblems, readExpectedProblems } from '../input/expected-problems.js';

const root = fileURLToPath(new URL('../../fixtures/inventory/', import.meta.url));
const options = { defaultUser: 'tester' };

function summary(inventory: Inventory) {
  return {
    hosts: [...inventory.hosts.values()].map((host) => ({
      name: host.name,
      at: `${host.source.line}:${host.source.col}`,
      groups: host.groups,
      vars: host.vars,
      connection: host.connection,
    })),
    groups: Object.fromEntries(
      [...inventory.groups.values()]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((group) => [
          group.name,
          { depth: group.depth, hosts: [...group.hosts].sort(), children: [...group.children].sort() },
        ]),
    ),
  };
}

describe('good inventories', () => {
  for (const name of readdirSync(join(root, 'good'))
    .filter((n) => !n.endsWith('.expected.yml'))
    .sort()) {
    test(name, () => {
      const path = join(root, 'good', name);
      const isFolder = statSync(path).isDirectory();
      const files = isFolder
        ? readdirSync(path)
            .filter((n) => n.endsWith('.yml') && n !== 'expected.yml')
            .sort()
            .map((n) => join(path, n))
        : [path];
      const { inventory, problems } = loadInventories(files, options);
      assert.deepEqual(problems.map(formatInputProblem), []);
      const expectedFile = isFolder ? join(path, 'expected.yml') : path.replace(/\.yml$/, '.expected.yml');
      const actual = summary(inventory);
      if (process.env.UPDATE_FIXTURES)
        writeFileSync(expectedFile, stringify(actual, { aliasDuplicateObjects: false }));
      assert.deepEqual(actual, parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});

describe('bad inventories report every problem at its position', () => {
  for (const name of readdirSync(join(root, 'bad'))
    .filter((n) => n.endsWith('.yml'))
    .sort()) {
    test(name, () => {
      const caseFile = join(root, 'bad', name);
      const { problems } = loadInventories([caseFile], options);
      assertProblems(problems, readExpectedProblems(caseFile.replace(/\.yml$/, '.errors'), caseFile));
    });
  }
});

test('inventory.example.yml loads without problems', () => {
  const example = fileURLToPath(new URL('../../../inventory.example.yml', import.meta.url));
  const { inventory, problems } = loadInventories([example], options);
  assert.deepEqual(problems.map(formatInputProblem), []);
  assert.ok(inventory.hosts.size > 0);
});

test('a missing file is a problem, not a throw', () => {
  const { problems } = loadInventories([join(root, 'does-not-exist.yml')], options);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /file not found/);
});
