import { appendLine, removeLines, replaceLine } from '../shared/line-edit.js';
import { parseSysctlConf, type SysctlAssignment } from '../shared/sysctl-config.js';
import type { SysctlKey } from './facts.js';

// Edits of the task's own file that touch only the key's own lines: comments, other keys, line
// endings and a missing final newline stay byte-identical. The file may be shared by many tasks
// (and people), so netfix never regenerates it whole.

export const sysctlFileHeader =
  '# Managed by netfix: sysctl tasks set their keys here; other lines are kept.';

export function keyAssignments(content: string | null, key: SysctlKey): SysctlAssignment[] {
  return content === null ? [] : parseSysctlConf(content).filter((assignment) => assignment.key === key.path);
}

/** The line as it should read, keeping the old line's indent, its '-' (the author chose to
 * ignore failures for this key) and a CRLF ending. */
function rewrite(oldLine: string, assignment: SysctlAssignment, text: string): string {
  const indent = /^[ \t]*/.exec(oldLine)?.[0] ?? '';
  const cr = oldLine.endsWith('\r') ? '\r' : '';
  return `${indent}${assignment.ignoreErrors ? '-' : ''}${text}${cr}`;
}

/**
 * The content with the key set: unchanged when every line for the key already has the value;
 * otherwise the first line for the key is rewritten in place (if wrong) and later ones, which
 * would override it, are removed; appended when absent; a new file gets a header.
 */
export function withKeySet(content: string | null, key: SysctlKey, value: string): string {
  const text = `${key.name} = ${value}`;
  if (content === null) return `${sysctlFileHeader}\n${text}\n`;
  const own = keyAssignments(content, key);
  const [first, ...later] = own;
  if (!first) return appendLine(content, text);
  if (own.every((assignment) => assignment.value === value)) return content;
  const rewritten =
    first.value === value
      ? content
      : replaceLine(content, first.line, rewrite(content.split('\n')[first.line - 1] ?? '', first, text));
  return later.length > 0
    ? removeLines(rewritten, new Set(later.map((assignment) => assignment.line)))
    : rewritten;
}

/** The content without any line for the key. */
export function withKeyRemoved(content: string, key: SysctlKey): string {
  const own = keyAssignments(content, key);
  return own.length > 0 ? removeLines(content, new Set(own.map((assignment) => assignment.line))) : content;
}
