// plan() and apply(): the files netfix edits, as one list of actions so both views agree.
import type { Change, Problem, RemoteStep } from '../define.js';
import { unifiedDiff } from '../shared/file-diff.js';
import { hasNonCommentLine, removeLines } from '../shared/line-edit.js';
import { parseModprobeConfig } from '../shared/modprobe-config.js';
import { directiveSpan, isAdminModprobePath, type ModprobeDirEntry } from '../shared/modprobe-files.js';
import { netfixOwnedHeader } from '../shared/owned-file.js';
import { firstInstall, isNoopInstall, kmodDirectives } from './blocking.js';
import { type ModprobeBlacklistFacts, ownBlacklistContent, ownBlacklistFile } from './facts.js';
import type { ModprobeBlacklistParams } from './params.js';

/** A change together with the steps that make it: plan() and apply() are two views of this list. */
export interface Action {
  change: Change;
  steps: RemoteStep[];
}

/** One file netfix rewrites (after: its whole new content) or removes (after: null). */
export interface FileEdit {
  path: string;
  before: string | null;
  after: string | null;
  summary: string;
  /** The lines it takes out of `before`, for a model of the result that keeps line numbers. */
  removedLines?: ReadonlySet<number>;
}

interface Found {
  line: number;
  lines: number[];
  text: string;
}

/**
 * The lines `state: absent` removes from one file: `blacklist <m>` (extra words after the name,
 * a trailing `# comment` included, are ignored by kmod, so the line counts) and install commands
 * that load nothing. Only /etc and /run, and only lines naming the module: an install pattern
 * (`install nf_* /bin/false`) also covers other modules and is reported instead.
 */
export function removableDirectives(module: string, entry: ModprobeDirEntry): Found[] {
  const content = entry.content;
  if (content === null || !isAdminModprobePath(entry.path)) return [];
  return parseModprobeConfig(entry.path, content)
    .filter(
      (directive) =>
        directive.module === module &&
        (directive.keyword === 'blacklist' ||
          (directive.keyword === 'install' && isNoopInstall(directive.rest))),
    )
    .map((directive) => ({ line: directive.line, ...directiveSpan(content, directive.line) }));
}

function absentEdits(facts: ModprobeBlacklistFacts): FileEdit[] {
  return facts.entries.flatMap((entry): FileEdit[] => {
    const found = removableDirectives(facts.module, entry);
    if (found.length === 0 || entry.content === null) return [];
    const removedLines = new Set(found.flatMap((directive) => directive.lines));
    const after = removeLines(entry.content, removedLines);
    const what = found.map((directive) => `'${directive.text}' (line ${directive.line})`).join(', ');
    // A file netfix wrote and nothing of substance left: remove it. Anyone else's file stays,
    // comments and all, even when empty: it is not netfix's to delete.
    const ownedAndEmpty = entry.content.includes(netfixOwnedHeader) && !hasNonCommentLine(after);
    return [
      {
        path: entry.path,
        before: entry.content,
        after: ownedAndEmpty ? null : after,
        removedLines,
        summary: ownedAndEmpty
          ? `remove netfix's ${entry.path}: nothing but ${what} was in it`
          : `remove ${what} from ${entry.path}`,
      },
    ];
  });
}

function presentEdit(params: ModprobeBlacklistParams, facts: ModprobeBlacklistFacts): FileEdit | null {
  const path = ownBlacklistFile(facts.module);
  const desired = ownBlacklistContent(facts.module, params.disable);
  const own = facts.entries.find((entry) => entry.path === path);
  const what = params.disable
    ? `blacklist and disable ${facts.module} (install ${facts.module} /bin/false)`
    : `blacklist ${facts.module}`;
  if (own?.content === desired) return null;
  // Netfix's own file is kept exactly as computed; without it, an entry already in force
  // elsewhere (an administrator's blacklist.conf, a package file) is enough.
  if (!own && presentGaps(params, facts.module, facts.entries).length === 0) return null;
  return { path, before: own?.content ?? null, after: desired, summary: `${what} in ${path}` };
}

/**
 * The entries as they will be once the edits are made, for inspect. Removed lines are blanked
 * rather than cut, so that what is reported about a line still left says its line number now.
 */
export function applyEdits(
  entries: readonly ModprobeDirEntry[],
  edits: readonly FileEdit[],
): ModprobeDirEntry[] {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  for (const edit of edits) {
    const removed = edit.removedLines;
    if (edit.after === null) byPath.delete(edit.path);
    else if (removed && edit.before !== null)
      byPath.set(edit.path, {
        path: edit.path,
        content: edit.before
          .split('\n')
          .map((line, index) => (removed.has(index + 1) ? '' : line))
          .join('\n'),
      });
    else byPath.set(edit.path, { path: edit.path, content: edit.after });
  }
  return [...byPath.values()];
}

function editAction(edit: FileEdit): Action {
  const change: Change = {
    summary: edit.summary,
    file: { path: edit.path, diff: unifiedDiff(edit.path, edit.before, edit.after) },
  };
  const step: RemoteStep =
    edit.after === null
      ? { kind: 'removeFile', description: edit.summary, path: edit.path }
      : // The engine's writer keeps an existing file's mode and owner; 0644 is for a new one.
        { kind: 'writeFile', description: edit.summary, path: edit.path, content: edit.after, mode: 0o644 };
  return { change, steps: [step] };
}

export function plannedEdits(params: ModprobeBlacklistParams, facts: ModprobeBlacklistFacts): FileEdit[] {
  if (params.state === 'absent') return absentEdits(facts);
  const edit = presentEdit(params, facts);
  return edit ? [edit] : [];
}

export function modprobeBlacklistActions(
  params: ModprobeBlacklistParams,
  facts: ModprobeBlacklistFacts,
): Action[] {
  return plannedEdits(params, facts).map(editAction);
}

/** What keeps `present` from holding in these files: no blacklist kmod reads; with disable, no install that stops loads. */
export function presentGaps(
  params: ModprobeBlacklistParams,
  module: string,
  entries: readonly ModprobeDirEntry[],
): Problem[] {
  const directives = kmodDirectives(entries);
  const problems: Problem[] = [];
  if (!directives.some((directive) => directive.keyword === 'blacklist' && directive.module === module))
    problems.push({
      severity: 'error',
      message: `${module} is not blacklisted in any modprobe.d file kmod reads`,
      expected: `blacklist ${module}`,
      actual: 'no blacklist line',
    });
  if (params.disable) {
    const install = firstInstall(directives, module);
    if (!install || !isNoopInstall(install.command))
      problems.push({
        severity: 'error',
        message: install
          ? `${install.file}:${install.line} '${install.text}' is the install command modprobe runs for ${module} (the first one in kmod's reading order, files sorted by name): ${module} still loads`
          : `no install command stops ${module} from loading`,
        expected: `install ${module} /bin/false`,
        actual: install?.text ?? 'none',
      });
  }
  return problems;
}
