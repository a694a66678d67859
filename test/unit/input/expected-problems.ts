// Shared by the fixture runners: a `<case>.errors` file lists the problems a case must produce,
// one a line: `[file:]line:col field message-substring` (field `-` when empty; a space inside
// brackets, as in `hosts["hv 2"]`, belongs to the field; the file part only for problems
// outside the case's own file, e.g. `--limit:0:0 - leaves no host`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatInputProblem, type InputProblem } from '../../../src/errors.js';

export interface ExpectedProblem {
  file: string;
  line: number;
  col: number;
  field: string;
  messagePart: string;
}

const positionPattern = /^(?:(\S+?):)?(\d+):(\d+) /;

/** Splits `field message` at the first space outside brackets. */
function splitField(rest: string): [string, string] {
  let depth = 0;
  for (let index = 0; index < rest.length; index++) {
    const char = rest[index];
    if (char === '[') depth++;
    if (char === ']') depth--;
    if (char === ' ' && depth === 0) return [rest.slice(0, index), rest.slice(index + 1)];
  }
  return [rest, ''];
}

export function readExpectedProblems(errorsFile: string, caseFile: string): ExpectedProblem[] {
  return readFileSync(errorsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = positionPattern.exec(line);
      assert.ok(match, `${errorsFile}: cannot read expected problem line: ${line}`);
      const [position, file, row, col] = match;
      const [field, messagePart] = splitField(line.slice(position.length));
      assert.ok(messagePart, `${errorsFile}: no message in line: ${line}`);
      return {
        file: file ?? caseFile,
        line: Number(row),
        col: Number(col),
        field: field === '-' ? '' : field,
        messagePart,
      };
    });
}

/** Every expected problem is found, and nothing else is reported. */
export function assertProblems(actual: readonly InputProblem[], expected: readonly ExpectedProblem[]): void {
  const shown = actual.map(formatInputProblem).join('\n');
  const unmatched = [...actual];
  for (const want of expected) {
    const index = unmatched.findIndex(
      (got) =>
        got.file === want.file &&
        got.line === want.line &&
        got.col === want.col &&
        got.field === want.field &&
        got.message.includes(want.messagePart),
    );
    assert.notEqual(
      index,
      -1,
      `expected ${want.file}:${want.line}:${want.col} ${want.field} "${want.messagePart}"\nactual problems:\n${shown}`,
    );
    unmatched.splice(index, 1);
  }
  assert.deepEqual(unmatched.map(formatInputProblem), [], `unexpected problems:\n${shown}`);
}
