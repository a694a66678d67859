import { createTwoFilesPatch } from 'diff';

/** A unified diff as `diff -u` prints it; '/dev/null' stands for a file that does not exist. */
export function unifiedDiff(path: string, before: string | null, after: string | null): string {
  const patch = createTwoFilesPatch(
    before === null ? '/dev/null' : path,
    after === null ? '/dev/null' : path,
    before ?? '',
    after ?? '',
    undefined,
    undefined,
    { context: 3 },
  ).split('\n');
  // The library puts "Index:" and "=====" banner lines before the "---" header; diff -u does not.
  return patch
    .slice(
      Math.max(
        0,
        patch.findIndex((line) => line.startsWith('--- ')),
      ),
    )
    .join('\n');
}
