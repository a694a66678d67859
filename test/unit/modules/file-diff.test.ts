// Diffs a reviewer reads in --check: a small edit as diff -u shows it, a rewritten file as one
// replacement hunk (the line diff of two large, different files would cost minutes of CPU),
// and either one applies back to the new content.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch } from 'diff';
import { unifiedDiff } from '../../../src/modules/shared/file-diff.js';

const lines = (count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => `${tag} ${i}\n`).join('');

describe('unifiedDiff', () => {
  it('a small edit: context hunks, as diff -u', () => {
    const before = lines(20, 'key');
    const after = before.replace('key 10\n', 'key 10 changed\n');
    const diff = unifiedDiff('/etc/x.conf', before, after);
    assert.equal(
      diff,
      '--- /etc/x.conf\n+++ /etc/x.conf\n@@ -8,7 +8,7 @@\n key 7\n key 8\n key 9\n-key 10\n+key 10 changed\n key 11\n key 12\n key 13\n',
    );
    assert.equal(applyPatch(before, diff), after);
  });

  it('a file rewritten line by line: one replacement hunk that applies', () => {
    const before = lines(20_000, 'old');
    const after = lines(20_000, 'new');
    const diff = unifiedDiff('/etc/big.conf', before, after);
    assert.match(diff, /^--- \/etc\/big\.conf\n\+\+\+ \/etc\/big\.conf\n@@ -1,20000 \+1,20000 @@\n-old 0\n/);
    assert.equal(applyPatch(before, diff), after);
  });

  it('a new file, a removed file, and no newline at the end', () => {
    assert.equal(applyPatch('', unifiedDiff('/etc/n', null, 'a\nb')), 'a\nb');
    const rewritten = unifiedDiff('/etc/n', lines(3000, 'x').slice(0, -1), lines(3000, 'y'));
    assert.match(rewritten, /\\ No newline at end of file\n\+y 0\n/);
    assert.equal(applyPatch(lines(3000, 'x').slice(0, -1), rewritten), lines(3000, 'y'));
    assert.match(unifiedDiff('/etc/gone', 'a\n', null), /^--- \/etc\/gone\n\+\+\+ \/dev\/null\n/);
  });
});
