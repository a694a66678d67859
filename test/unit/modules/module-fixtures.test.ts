// One generic runner for every module fixture: test/unit/modules/<module>/<case>.yaml gives the
// params and the host as the probe saw it, and what inspect/plan/apply/verify must say. Adding a
// case means adding a file. The probe scripts themselves run against the lab in test/e2e.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { moduleRegistry, type ProbeRecords } from '../../../src/modules/index.js';
import { emptyRecords } from '../../../src/modules/shared/probe-records.js';

interface HostState {
  exists?: string[];
  files?: Record<string, string>;
  modes?: Record<string, string>;
  commands?: Record<string, { exitCode: number; output: string }>;
}

interface Expectation {
  /** Substrings, one per problem, in order; [] means none. */
  problems?: string[];
  changes?: string[];
  /** Substrings of each step's description or command. */
  steps?: string[];
  /** For file changes: path -> exact content written. */
  writes?: Record<string, string>;
  diffs?: Record<string, string[]>;
}

interface Fixture {
  description: string;
  params: unknown;
  host: HostState;
  expect: Expectation;
  after?: { host: HostState; problems: string[] };
}

function recordsFrom(state: HostState): ProbeRecords {
  const records = emptyRecords();
  for (const path of state.exists ?? []) records.existing.add(path);
  for (const [path, content] of Object.entries(state.files ?? {})) {
    records.files.set(path, { path, content });
    records.existing.add(path);
  }
  for (const [path, mode] of Object.entries(state.modes ?? {})) {
    const file = records.files.get(path) ?? { path, content: null };
    records.files.set(path, { ...file, mode: Number.parseInt(mode, 8), uid: 0, gid: 0 });
    records.existing.add(path);
  }
  for (const [name, command] of Object.entries(state.commands ?? {}))
    records.commands.set(name, { name, ...command });
  return records;
}

function assertSubstrings(actual: string[], expected: string[], what: string) {
  assert.equal(actual.length, expected.length, `${what}: got ${JSON.stringify(actual, null, 1)}`);
  expected.forEach((substring, index) => {
    assert.ok(
      actual[index]?.includes(substring),
      `${what}[${index}]: "${actual[index]}" lacks "${substring}"`,
    );
  });
}

const here = new URL('.', import.meta.url).pathname;
for (const moduleName of readdirSync(here, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
  const module = moduleRegistry.get(moduleName.name);
  describe(`module ${moduleName.name}`, () => {
    it('is registered', () => assert.ok(module, `no module ${moduleName.name} in the registry`));
    if (!module) return;
    const dir = join(here, moduleName.name);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
      const fixture = parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
      it(`${file}: ${fixture.description}`, () => {
        const params = module.params.parse(fixture.params);
        const facts = module.parse(recordsFrom(fixture.host), params);
        const problems = module.inspect(params, facts);
        assertSubstrings(
          problems.map((problem) => `${problem.severity}: ${problem.message}`),
          fixture.expect.problems ?? [],
          'problems',
        );
        const changes = module.plan(params, facts);
        assertSubstrings(
          changes.map((change) => change.summary),
          fixture.expect.changes ?? [],
          'changes',
        );
        const steps = module.apply(params, changes, facts);
        if (fixture.expect.steps)
          assertSubstrings(
            steps.map((step) =>
              step.kind === 'exec'
                ? `${step.description} | ${step.command.text}`
                : `${step.kind} ${step.path}`,
            ),
            fixture.expect.steps,
            'steps',
          );
        for (const [path, content] of Object.entries(fixture.expect.writes ?? {})) {
          const write = steps.find((step) => step.kind === 'writeFile' && step.path === path);
          assert.ok(write && write.kind === 'writeFile', `no write to ${path}`);
          assert.equal(write.content, content, `content written to ${path}`);
        }
        for (const [path, lines] of Object.entries(fixture.expect.diffs ?? {})) {
          const diff = changes.find((change) => change.file?.path === path)?.file?.diff ?? '';
          for (const line of lines)
            assert.ok(diff.split('\n').includes(line), `diff of ${path} lacks line "${line}":\n${diff}`);
        }
        if (fixture.after) {
          const afterFacts = module.parse(recordsFrom(fixture.after.host), params);
          const verified = module.verify(params, afterFacts);
          assertSubstrings(
            verified.map((problem) => `${problem.severity}: ${problem.message}`),
            fixture.after.problems,
            'verify',
          );
          if (fixture.after.problems.length === 0)
            assert.deepEqual(
              module.plan(params, afterFacts).filter((change) => !change.repeats),
              [],
              'a second plan is empty but for changes made on every run',
            );
        }
      });
    }
  });
}
