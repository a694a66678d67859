import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandHostRange } from '../../../src/inventory/host-ranges.js';

const names = (key: string) => {
  const expanded = expandHostRange(key);
  assert.ok('names' in expanded, JSON.stringify(expanded));
  return expanded.names;
};

test('a name without a range is itself', () => assert.deepEqual(names('hv1.dc1'), ['hv1.dc1']));

test('numeric ranges pad to the width of a zero-led start, as Ansible does', () => {
  assert.deepEqual(names('hv[01:03]'), ['hv01', 'hv02', 'hv03']);
  assert.deepEqual(names('hv[8:10]'), ['hv8', 'hv9', 'hv10']);
  assert.deepEqual(names('hv[:2]'), ['hv0', 'hv1', 'hv2']);
});

test('letters, steps and several ranges in one name', () => {
  assert.deepEqual(names('n[a:c]'), ['na', 'nb', 'nc']);
  assert.deepEqual(names('x[1:7:3]'), ['x1', 'x4', 'x7']);
  assert.deepEqual(names('r[1:2]u[a:b]'), ['r1ua', 'r1ub', 'r2ua', 'r2ub']);
});

test('bad ranges are errors that quote the key', () => {
  for (const [key, message] of [
    ['hv[3:1]', /start 3 is after its end 1/],
    ['hv[01:100]', /equal width/],
    ['hv[a:3]', /single letters/],
    ['hv[1:3:0]', /step must be at least 1/],
    ['hv[0:99999]', /more than 10000 hosts/],
  ] as const) {
    const expanded = expandHostRange(key);
    assert.ok('error' in expanded, key);
    assert.match(expanded.error, message);
  }
});
