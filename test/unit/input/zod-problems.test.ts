import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { locatorIn, parseYamlSource, problemsFromZodIssues } from '../../../src/input/index.js';

const schema = z.strictObject({
  name: z.string(),
  state: z.enum(['present', 'absent']).optional(),
  notify: z.union([z.string(), z.array(z.string())]).optional(),
  nested: z.strictObject({ size: z.number().int() }).optional(),
});

function problemsFor(text: string) {
  const { source } = parseYamlSource('t.yml', text);
  const checked = schema.safeParse(source.doc.toJS(), { reportInput: true });
  assert.ok(!checked.success);
  return problemsFromZodIssues(checked.error.issues, {
    locate: locatorIn(source, []),
    schema,
    fieldPath: ['task'],
  }).map((p) => `${p.line}:${p.col} ${p.field}: ${p.message}`);
}

test('an unknown key points at the key with a suggestion, and hides the missing field it stands for', () => {
  assert.deepEqual(problemsFor('nmae: x\n'), ["1:1 task.nmae: unknown field 'nmae' (did you mean 'name'?)"]);
});

test('an unknown key with nothing close lists the allowed keys', () => {
  assert.deepEqual(problemsFor('name: x\nzzz: 1\n'), [
    "2:1 task.zzz: unknown field 'zzz' (expected one of: name, state, notify, nested)",
  ]);
});

test('a missing field points at the mapping that lacks it', () => {
  assert.deepEqual(problemsFor('state: present\n'), ["1:1 task.name: required field 'name' is missing"]);
});

test('types are named in YAML words, with the value found', () => {
  assert.deepEqual(problemsFor('name: [a]\nnested: {size: 1.5}\n'), [
    '1:7 task.name: expected a string, got a list',
    '2:16 task.nested.size: expected an integer, got the number 1.5',
  ]);
});

test('enum values get a suggestion', () => {
  assert.deepEqual(problemsFor('name: x\nstate: presnt\n'), [
    "2:8 task.state: must be one of 'present', 'absent', got the string 'presnt' (did you mean 'present'?)",
  ]);
});

test('a union reports the branch that got furthest, or the types it expected', () => {
  assert.deepEqual(problemsFor('name: x\nnotify: [a, 3]\n'), [
    '2:13 task.notify[1]: expected a string, got the number 3',
  ]);
  assert.deepEqual(problemsFor('name: x\nnotify: 3\n'), [
    '2:9 task.notify: expected a string or a list, got the number 3',
  ]);
});
