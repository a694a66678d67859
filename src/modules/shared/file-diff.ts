import { createTwoFilesPatch } from 'diff';

// The line diff costs time that grows with the number of edits times the file's length: past
// this many edits (a file rewritten rather than edited) the diff shows the whole replacement,
// which costs one pass and is what the change is anyway.
const MAX_EDITS = 1000;

/** A unified diff as `diff -u` prints it; '/dev/null' stands for a file that does not exist. */
export function unifiedDiff(path: string, before: string | null, after: string | null): string {
  const oldName = before === null ? '/dev/null' : path;
  const newName = after === null ? '/dev/null' : path;
  const patch = createTwoFilesPatch(oldName, newName, before ?? '', after ?? '', undefined, undefined, {
    context: 3,
    maxEditLength: MAX_EDITS,
  });
  if (patch === undefined) return replacement(oldName, newName, before ?? '', after ?? '');
  const lines = patch.split('\n');
  // The library puts "Index:" and "=====" banner lines before the "---" header; diff -u does not.
  return lines
    .slice(
      Math.max(
        0,
        lines.findIndex((line) => line.startsWith('--- ')),
      ),
    )
    .join('\n');
}

/** One hunk: every old line removed, every new line added. */
function replacement(oldName: string, newName: string, before: string, after: string): string {
  const linesOf = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const removed = linesOf(before);
  const added = linesOf(after);
  const range = (start: number, count: number) => (count === 0 ? `${start - 1},0` : `${start},${count}`);
  const noNewline = (text: string) =>
    text !== '' && !text.endsWith('\n') ? ['\\ No newline at end of file'] : [];
  return [
    `--- ${oldName}`,
    `+++ ${newName}`,
    `@@ -${range(1, removed.length)} +${range(1, added.length)} @@`,
    ...removed.map((line) => `-${line}`),
    ...noNewline(before),
    ...added.map((line) => `+${line}`),
    ...noNewline(after),
    '',
  ].join('\n');
}
