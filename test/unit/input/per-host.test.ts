import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeHostProblems, sortProblems } from '../../../src/input/index.js';

const at = (line: number, message: string) => ({ file: 'p.yml', line, col: 3, field: 'f', message });

test('the same problem on many hosts is said once, naming up to three hosts', () => {
  const merged = mergeHostProblems([
    ...['hv1', 'hv2', 'hv3', 'hv4'].map((host) => ({ host, problem: at(5, "undefined variable 'mod'") })),
    { host: 'hv9', problem: at(6, 'other') },
  ]);
  assert.deepEqual(
    merged.map((p) => p.message),
    ["undefined variable 'mod' (on 4 hosts: hv1, hv2, hv3, …)", 'other (on host hv9)'],
  );
});

test('exactly three hosts are all named, without an ellipsis', () => {
  const merged = mergeHostProblems(['a', 'b', 'c'].map((host) => ({ host, problem: at(1, 'x') })));
  assert.equal(merged[0]!.message, 'x (on 3 hosts: a, b, c)');
});

test('problems sort by the given file order, then line and column; repeats go', () => {
  const sorted = sortProblems(
    [{ ...at(9, 'b'), file: 'second.yml' }, at(7, 'a'), at(2, 'c'), at(2, 'c')],
    ['p.yml', 'second.yml'],
  );
  assert.deepEqual(
    sorted.map((p) => `${p.file}:${p.line}`),
    ['p.yml:2', 'p.yml:7', 'second.yml:9'],
  );
});
