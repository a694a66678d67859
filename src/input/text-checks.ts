import type { InputProblem } from '../errors.js';

// The bytes of an input file, before YAML: netfix reads UTF-8 text. A Latin-1 byte would
// otherwise become U+FFFD silently, and reach a host as three other bytes.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(file: string, bytes: Buffer): { text: string } | { problem: InputProblem } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { problem: at(file, 1, 1, 'the file is UTF-16 (byte order mark FF FE): save it as UTF-8') };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { problem: at(file, 1, 1, 'the file is UTF-16 (byte order mark FE FF): save it as UTF-8') };
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset).toString('utf8');
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    const hex = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      problem: at(
        file,
        line,
        col,
        `not valid UTF-8: byte 0x${hex} (netfix reads UTF-8 text; convert the file, e.g. iconv -f latin1 -t utf-8)`,
      ),
    };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || index + length > bytes.length) return index;
    if (!strictUtf8Valid(bytes.subarray(index, index + length))) return index;
    index += length;
  }
  return bytes.length;
}

function strictUtf8Valid(sequence: Buffer): boolean {
  try {
    strictUtf8.decode(sequence);
    return true;
  } catch {
    return false;
  }
}

const controlNames: Record<number, string> = { 0: 'NUL', 27: 'ESC', 127: 'DEL' };
const shownControls = 3;

/**
 * YAML allows tab, line feed and carriage return among the C0 controls, nothing else, and no
 * DEL; yaml (the parser) lets them through. A NUL in a file is a binary file or a broken editor.
 */
export function checkDecodedText(file: string, text: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const pattern = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
  let count = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    count++;
    if (count > shownControls) continue;
    const before = text.slice(0, match.index);
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    const code = match[0].charCodeAt(0);
    const name = controlNames[code] ? ` (${controlNames[code]})` : '';
    problems.push(
      at(
        file,
        line,
        col,
        `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}${name} is not allowed in YAML text`,
      ),
    );
  }
  if (count > shownControls) {
    const last = problems[problems.length - 1]!;
    last.message += ` (and ${count - shownControls} more control characters in this file)`;
  }
  return problems;
}

function at(file: string, line: number, col: number, message: string): InputProblem {
  return { file, line, col, field: '', message };
}
