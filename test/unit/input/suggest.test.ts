import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeMatches, didYouMean, editDistance } from '../../../src/input/index.js';

test('edit distance counts inserts, deletes, substitutions and swaps of neighbours', () => {
  assert.equal(editDistance('hosts', 'hosts'), 0);
  assert.equal(editDistance('host', 'hosts'), 1);
  assert.equal(editDistance('nmae', 'name'), 1);
  assert.equal(editDistance('kernel_modul', 'kernel_module'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('children', 'vars'), 7);
});

test('close matches are within 2 edits, closest first, case-insensitive', () => {
  assert.deepEqual(closeMatches('dc3', ['dc1', 'dc2', 'hypervisors']), ['dc1', 'dc2']);
  assert.deepEqual(closeMatches('Hosts', ['hosts', 'vars']), ['hosts']);
  assert.deepEqual(closeMatches('persistant', ['name', 'state', 'persistent', 'params']), ['persistent']);
  assert.deepEqual(closeMatches('copy', ['kernel_module']), []);
  assert.deepEqual(closeMatches('same', ['same']), [], 'the word itself is no suggestion');
});

test('didYouMean phrases up to three candidates, or nothing', () => {
  assert.equal(didYouMean('host', ['hosts', 'vars', 'children']), " (did you mean 'hosts'?)");
  assert.equal(didYouMean('dc', ['dc1', 'dc2']), " (did you mean 'dc1' or 'dc2'?)");
  assert.equal(didYouMean('zzzz', ['hosts']), '');
});
