import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoByText } from '../../../src/modules/shared/memo-text.js';

describe('memoByText', () => {
  it('parses a text once while it is among the last `limit` texts', () => {
    const parsed: string[] = [];
    const parse = memoByText(2, (text) => {
      parsed.push(text);
      return { text };
    });
    const first = parse('a');
    assert.equal(parse('a'), first);
    parse('b');
    parse('c'); // evicts 'a'
    assert.notEqual(parse('a'), first);
    assert.deepEqual(parsed, ['a', 'b', 'c', 'a']);
  });
});
