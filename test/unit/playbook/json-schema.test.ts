// The JSON Schemas come from the same zod schemas as the loaders. Checked here without a JSON
// Schema library: a small conformance walk over the keywords zod emits (enough to show that
// real files pass and broken ones fail), plus the structure editors rely on.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseYamlSource } from '../../../src/input/index.js';
import { moduleRegistry } from '../../../src/modules/index.js';
import { inventoryJsonSchema, type JsonSchema, playbookJsonSchema } from '../../../src/schema/index.js';

type Schema = JsonSchema | boolean;

/** Reasons `value` does not conform to `schema` ([] when it does). */
function violations(schema: Schema, value: unknown, root: JsonSchema, at = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: not allowed`];
  const ref = schema.$ref as string | undefined;
  if (ref) {
    const target =
      ref === '#' ? root : (root.$defs as Record<string, JsonSchema>)[ref.replace('#/$defs/', '')];
    assert.ok(target, `unresolved ${ref}`);
    return violations(target, value, root, at);
  }
  const errors: string[] = [];
  const anyOf = schema.anyOf as Schema[] | undefined;
  if (anyOf && !anyOf.some((member) => violations(member, value, root, at).length === 0)) {
    errors.push(`${at}: matches no anyOf branch`);
  }
  const oneOf = schema.oneOf as Schema[] | undefined;
  if (oneOf && oneOf.filter((member) => violations(member, value, root, at).length === 0).length !== 1) {
    errors.push(`${at}: must match exactly one oneOf branch`);
  }
  const types = schema.type === undefined ? undefined : ([] as string[]).concat(schema.type as string);
  if (types && !types.some((type) => hasType(value, type)))
    return [...errors, `${at}: not ${types.join('|')}`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: not in enum`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern as string, 'u').test(value))
      errors.push(`${at}: pattern`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      errors.push(`${at}: too short`);
  }
  if (typeof value === 'number') {
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      errors.push(`${at}: too small`);
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: too small`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: too big`);
  }
  if (Array.isArray(value) && schema.items) {
    for (const [index, item] of value.entries()) {
      errors.push(...violations(schema.items as Schema, item, root, `${at}[${index}]`));
    }
  }
  if (isObject(value)) {
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in value)) errors.push(`${at}: missing ${key}`);
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, item] of Object.entries(value)) {
      if (schema.propertyNames)
        errors.push(...violations(schema.propertyNames as Schema, key, root, `${at}{${key}}`));
      const itemSchema = properties[key] ?? (schema.additionalProperties as Schema | undefined) ?? true;
      errors.push(...violations(itemSchema, item, root, `${at}.${key}`));
    }
  }
  return errors;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'null') return value === null;
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const yamlFile = (path: string) => parseYamlSource(path, readFileSync(path, 'utf8')).source.doc.toJS();
const yamlText = (text: string) => parseYamlSource('inline.yml', text).source.doc.toJS();

test('playbook schema: tasks are one shared definition with every module, described', () => {
  const schema = playbookJsonSchema();
  const task = (schema.$defs as Record<string, JsonSchema>).task!;
  const properties = task.properties as Record<string, JsonSchema>;
  for (const module of moduleRegistry.values()) {
    assert.equal(properties[module.name]?.description, module.description);
    const params = properties[module.name]?.properties as Record<string, unknown>;
    const shape = (module.params as unknown as { shape: Record<string, unknown> }).shape;
    assert.deepEqual(Object.keys(params).sort(), Object.keys(shape).sort());
  }
  assert.deepEqual(
    task.oneOf,
    [...moduleRegistry.keys()].map((name) => ({ required: [name] })),
  );
  assert.equal(task.additionalProperties, false);
});

test('playbook schema: the good fixtures conform, templates included', () => {
  const schema = playbookJsonSchema();
  const folder = join(fixtures, 'playbooks', 'good');
  const files = readdirSync(folder).filter((name) => /^[^.]+\.yml$/.test(name));
  assert.ok(files.length > 0);
  for (const name of files)
    assert.deepEqual(violations(schema, yamlFile(join(folder, name)), schema), [], name);
});

test('playbook schema: broken playbooks do not conform', () => {
  const schema = playbookJsonSchema();
  const broken = {
    'unknown task key':
      '- hosts: all\n  tasks:\n    - name: a\n      kernel_module: {name: x}\n      when: y\n',
    'no module': '- hosts: all\n  tasks:\n    - name: a\n',
    'misspelt param': '- hosts: all\n  tasks:\n    - name: a\n      kernel_module: {nmae: x}\n',
    'bad enum': '- hosts: all\n  tasks:\n    - name: a\n      kernel_module: {name: x, state: gone}\n',
    'bad module name': '- hosts: all\n  tasks:\n    - name: a\n      kernel_module: {name: "a b"}\n',
    'play without hosts': '- tasks: []\n',
    'unknown play key': '- hosts: all\n  roles: [x]\n',
  };
  for (const [why, text] of Object.entries(broken)) {
    assert.notDeepEqual(violations(schema, yamlText(text), schema), [], why);
  }
});

test('inventory schema: the example and the good fixtures conform, broken ones do not', () => {
  const schema = inventoryJsonSchema();
  const example = fileURLToPath(new URL('../../../inventory.example.yml', import.meta.url));
  assert.deepEqual(violations(schema, yamlFile(example), schema), []);
  const folder = join(fixtures, 'inventory', 'good');
  for (const name of readdirSync(folder).filter((n) => /^[^.]+\.yml$/.test(n))) {
    assert.deepEqual(violations(schema, yamlFile(join(folder, name)), schema), [], name);
  }
  const broken = {
    'host instead of hosts': 'all:\n  children:\n    dc1:\n      host:\n        hv1:\n',
    'hosts as a list': 'all:\n  hosts: [a, b]\n',
    'port out of range': 'all:\n  hosts:\n    a:\n      ansible_port: 70000\n',
    'dash in a group name': 'all:\n  children:\n    dc-1:\n',
    'nested bad key': 'all:\n  children:\n    a:\n      children:\n        b:\n          var: {}\n',
  };
  for (const [why, text] of Object.entries(broken)) {
    assert.notDeepEqual(violations(schema, yamlText(text), schema), [], why);
  }
});
