// parsePlaybooks / parseInventories take text instead of paths: several files at once, all
// problems reported together in file order, and the precedence of variables end to end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInputProblem } from '../../../src/errors.js';
import { parseInventories } from '../../../src/inventory/index.js';
import { parsePlaybooks, resolvePlays } from '../../../src/playbook/index.js';

const { inventory } = parseInventories(
  [
    {
      file: 'a.yml',
      text: 'all:\n  vars: {mod: from_all, who: inventory}\n  hosts:\n    h1:\n      mod: from_host\n    h2:\n',
    },
    { file: 'b.yml', text: 'all:\n  hosts:\n    h2:\n      mod: from_b\n' },
  ],
  { defaultUser: 'tester' },
);

test('problems of every playbook come back together, in file order', () => {
  const { problems } = parsePlaybooks([
    { file: 'second.yml', text: '- hosts: all\n  tasks:\n    - name: x\n      kernel_modul: {name: a}\n' },
    { file: 'first.yml', text: '- hosts: all\n  tasks:\n    - nmae: x\n      kernel_module: {name: a}\n' },
  ]);
  assert.deepEqual(problems.map(formatInputProblem), [
    "second.yml:4:7: plays[0].tasks[0].kernel_modul: unknown module 'kernel_modul' (did you mean 'kernel_module'?)",
    "first.yml:3:7: plays[0].tasks[0].nmae: unknown field 'nmae' (did you mean 'name'?)",
  ]);
});

test('inventory vars < play vars < extra vars; later -i files win', () => {
  const render = (playVars: string, extraVars: Record<string, string>) => {
    const { playbooks, problems } = parsePlaybooks([
      {
        file: 'p.yml',
        text: `- hosts: all\n  vars: {${playVars}}\n  tasks:\n    - name: "{{ who }}"\n      kernel_module: {name: "{{ mod }}"}\n`,
      },
    ]);
    assert.deepEqual(problems, []);
    const resolved = resolvePlays(playbooks, inventory, { extraVars });
    assert.deepEqual(resolved.problems, []);
    return [...resolved.tasksByHost].map(([host, plays]) => {
      const task = plays[0]!.tasks[0]!;
      return `${host}: ${task.name} ${(task.params as { name: string }).name}`;
    });
  };
  assert.deepEqual(render('', {}), ['h1: inventory from_host', 'h2: inventory from_b']);
  assert.deepEqual(render('mod: from_play, who: play', {}), ['h1: play from_play', 'h2: play from_play']);
  assert.deepEqual(render('mod: from_play', { mod: 'from_extra' }), [
    'h1: inventory from_extra',
    'h2: inventory from_extra',
  ]);
});

test('--limit intersects every play, keeping inventory order', () => {
  const { playbooks } = parsePlaybooks([
    { file: 'p.yml', text: '- hosts: h2:h1\n  tasks:\n    - name: x\n      kernel_module: {name: a}\n' },
  ]);
  const limited = resolvePlays(playbooks, inventory, { extraVars: {}, limit: 'h2' });
  assert.deepEqual(limited.problems, []);
  assert.deepEqual(limited.plays[0]!.hosts, ['h2']);
  assert.deepEqual([...limited.tasksByHost.keys()], ['h2']);
  const all = resolvePlays(playbooks, inventory, { extraVars: {} });
  assert.deepEqual(all.plays[0]!.hosts, ['h1', 'h2']);
});
