// Playbook fixtures, one case per file (adding a case means adding a file):
//   test/fixtures/playbooks/bad/<case>.yml   + <case>.errors        every problem, exactly
//   test/fixtures/playbooks/good/<case>.yml  + <case>.expected.yml  what each host runs
// Optional <case>.options.yml: { extraVars, limit, inventory } (inventory defaults to the
// shared ../inventory.yml). UPDATE_FIXTURES=1 rewrites the .expected.yml files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { formatInputProblem } from '../../../src/errors.js';
import { loadInventories } from '../../../src/inventory/index.js';
import { loadPlaybooks, type ResolvedTask, resolvePlays } from '../../../src/playbook/index.js';
import { assertProblems, readExpectedProblems } from '../input/expected-problems.js';

const root = fileURLToPath(new URL('../../fixtures/playbooks/', import.meta.url));

interface CaseOptions {
  extraVars?: Record<string, string>;
  limit?: string;
  inventory?: string;
}

function casesIn(folder: string): string[] {
  return readdirSync(join(root, folder))
    .filter(
      (name) => name.endsWith('.yml') && !name.endsWith('.options.yml') && !name.endsWith('.expected.yml'),
    )
    .sort();
}

function run(caseFile: string) {
  const optionsFile = caseFile.replace(/\.yml$/, '.options.yml');
  const options: CaseOptions = existsSync(optionsFile) ? parse(readFileSync(optionsFile, 'utf8')) : {};
  const inventoryFile = join(root, options.inventory ?? 'inventory.yml');
  const inventory = loadInventories([inventoryFile], { defaultUser: 'tester' });
  assert.deepEqual(inventory.problems.map(formatInputProblem), [], 'the fixture inventory itself is valid');
  const loaded = loadPlaybooks([caseFile]);
  const resolved = resolvePlays(loaded.playbooks, inventory.inventory, {
    extraVars: options.extraVars ?? {},
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  return { problems: [...loaded.problems, ...resolved.problems], resolved };
}

/** What a host runs, without ids and file names: what a reader checks in the expected file. */
function summary(resolved: ReturnType<typeof run>['resolved']) {
  const task = (t: ResolvedTask) => ({
    at: `${t.source.line}:${t.source.col}`,
    name: t.name,
    module: t.module,
    params: t.params,
    ...(t.notify.length > 0 ? { notify: t.notify } : {}),
    ...(t.timeoutSec === undefined ? {} : { timeoutSec: t.timeoutSec }),
  });
  return {
    plays: resolved.plays.map((play) => ({ name: play.name, hosts: play.hosts })),
    hosts: Object.fromEntries(
      [...resolved.tasksByHost].map(([host, plays]) => [
        host,
        plays.map((play) => ({
          play: play.name,
          become: play.become,
          ...(play.becomeUser === undefined ? {} : { becomeUser: play.becomeUser }),
          tasks: play.tasks.map(task),
          handlers: play.handlers.map(task),
        })),
      ]),
    ),
  };
}

describe('bad playbooks report every problem at its position', () => {
  for (const name of casesIn('bad')) {
    test(name, () => {
      const caseFile = join(root, 'bad', name);
      const { problems } = run(caseFile);
      assertProblems(problems, readExpectedProblems(caseFile.replace(/\.yml$/, '.errors'), caseFile));
    });
  }
});

describe('good playbooks resolve to what each host runs', () => {
  for (const name of casesIn('good')) {
    test(name, () => {
      const caseFile = join(root, 'good', name);
      const { problems, resolved } = run(caseFile);
      assert.deepEqual(problems.map(formatInputProblem), []);
      const expectedFile = caseFile.replace(/\.yml$/, '.expected.yml');
      const actual = summary(resolved);
      if (process.env.UPDATE_FIXTURES)
        writeFileSync(expectedFile, stringify(actual, { aliasDuplicateObjects: false }));
      assert.deepEqual(actual, parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});
