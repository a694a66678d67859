// Line-level edits that keep every other byte of a file as it was: line endings, comments,
// order, and a missing final newline all survive.

/** Appends a line, adding the newline the file was missing first. */
export function appendLine(content: string | null, line: string): string {
  if (content === null || content === '') return `${line}\n`;
  return `${content}${content.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/**
 * Removes whole 1-based lines, each together with its own line terminator. Every other byte stays
 * as it was: '\r' on other lines, comments, blank lines, and a missing final newline. An
 * unterminated last line goes alone, leaving the newline of the line before it in place, so the
 * diff shows only the removed lines.
 */
export function removeLines(content: string, lineNumbers: ReadonlySet<number>): string {
  let kept = '';
  let start = 0;
  for (let line = 1; start < content.length; line++) {
    const newline = content.indexOf('\n', start);
    const end = newline === -1 ? content.length : newline + 1;
    if (!lineNumbers.has(line)) kept += content.slice(start, end);
    start = end;
  }
  return kept;
}

/** True when a line holds something other than blanks or a '#' comment. */
export function hasNonCommentLine(content: string): boolean {
  return content.split('\n').some((line) => {
    const trimmed = line.trim();
    return trimmed !== '' && !trimmed.startsWith('#');
  });
}

/** Replaces one 1-based line. */
export function replaceLine(content: string, lineNumber: number, text: string): string {
  const lines = content.split('\n');
  lines[lineNumber - 1] = text;
  return lines.join('\n');
}
