// Line-level edits that keep every other byte of a file as it was: line endings, comments,
// order, and a missing final newline all survive.

/** Appends a line, adding the newline the file was missing first. */
export function appendLine(content: string | null, line: string): string {
  if (content === null || content === '') return `${line}\n`;
  return `${content}${content.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/** Removes the given 1-based lines. */
export function removeLines(content: string, lineNumbers: ReadonlySet<number>): string {
  const lines = content.split('\n');
  return lines.filter((_, index) => !lineNumbers.has(index + 1)).join('\n');
}

/** Replaces one 1-based line. */
export function replaceLine(content: string, lineNumber: number, text: string): string {
  const lines = content.split('\n');
  lines[lineNumber - 1] = text;
  return lines.join('\n');
}
