// `no_log: true` is a task key like Ansible's: loaded, checked, and carried to what the engine runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInputProblem } from '../../../src/errors.js';
import { parseInventories } from '../../../src/inventory/index.js';
import { parsePlaybooks, resolvePlays } from '../../../src/playbook/index.js';

const { inventory } = parseInventories([{ file: 'i.yml', text: 'all:\n  hosts:\n    h1:\n' }], {
  defaultUser: 'tester',
});

test('no_log: true reaches the resolved task; the default is false', () => {
  const { playbooks, problems } = parsePlaybooks([
    {
      file: 'p.yml',
      text: '- hosts: all\n  tasks:\n    - name: a\n      no_log: true\n      kernel_module: {name: a}\n    - name: b\n      kernel_module: {name: b}\n',
    },
  ]);
  assert.deepEqual(problems, []);
  const tasks = resolvePlays(playbooks, inventory, { extraVars: {} }).tasksByHost.get('h1')![0]!.tasks;
  assert.deepEqual(
    tasks.map((task) => [task.name, task.noLog]),
    [
      ['a', true],
      ['b', false],
    ],
  );
});

test('no_log must be true or false', () => {
  const { problems } = parsePlaybooks([
    {
      file: 'p.yml',
      text: '- hosts: all\n  tasks:\n    - name: a\n      no_log: yes please\n      kernel_module: {name: a}\n',
    },
  ]);
  assert.deepEqual(problems.map(formatInputProblem), [
    'p.yml:4:15: plays[0].tasks[0].no_log: must be true or false',
  ]);
});
