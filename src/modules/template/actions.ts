import { sh } from '../../shell/index.js';
import type { Change, Problem, RemoteStep } from '../define.js';
import { unifiedDiff } from '../shared/file-diff.js';
import type { TemplateFacts } from './facts.js';
import { isNumericId, renderedContent, type TemplateParams } from './params.js';

/** A change together with the steps that make it: plan() and apply() are two views of this list. */
export interface Action {
  change: Change;
  steps: RemoteStep[];
}

const defaultMode = 0o644;

export const formatMode = (mode: number) => mode.toString(8).padStart(4, '0');

function idMatches(wanted: string | undefined, id: number | null, name: string | null): boolean {
  if (wanted === undefined) return true;
  return isNumericId(wanted) ? id === Number(wanted) : name === wanted;
}

function currentOwner(facts: TemplateFacts): string {
  return `${facts.ownerName ?? facts.uid ?? '?'}:${facts.groupName ?? facts.gid ?? '?'}`;
}

function contentAction(params: TemplateParams, facts: TemplateFacts): Action | null {
  const content = renderedContent(params);
  if (facts.exists && facts.content === content) return null;
  const from = params.src === undefined ? '' : ` from ${params.src}`;
  const summary = `${facts.exists ? 'update' : 'create'} ${params.dest}${from}`;
  return {
    change: {
      summary,
      file: { path: params.dest, diff: unifiedDiff(params.dest, facts.content, content) },
    },
    // An existing file keeps its mode and owner through the atomic write; the steps below
    // change them when asked.
    steps: [
      {
        kind: 'writeFile',
        description: summary,
        path: params.dest,
        content,
        mode: params.mode ?? defaultMode,
      },
    ],
  };
}

function ownerAction(params: TemplateParams, facts: TemplateFacts): Action | null {
  const { owner, group, dest } = params;
  // A new file belongs to whoever netfix runs as: set it whenever an owner or group is given.
  const ownerOk = facts.exists && idMatches(owner, facts.uid, facts.ownerName);
  const groupOk = facts.exists && idMatches(group, facts.gid, facts.groupName);
  const changeOwner = owner !== undefined && !ownerOk;
  const changeGroup = group !== undefined && !groupOk;
  if (!changeOwner && !changeGroup) return null;
  const spec = changeOwner && changeGroup ? `${owner}:${group}` : changeOwner ? owner! : `:${group}`;
  const after = `${owner ?? facts.ownerName ?? facts.uid ?? '?'}:${group ?? facts.groupName ?? facts.gid ?? '?'}`;
  const summary = `owner of ${dest}: ${facts.exists ? currentOwner(facts) : '(new file)'} -> ${after}`;
  return {
    change: {
      summary,
      runtime: { key: `owner ${dest}`, before: facts.exists ? currentOwner(facts) : null, after },
    },
    steps: [{ kind: 'exec', description: summary, command: sh`chown -- ${spec} ${dest}` }],
  };
}

function modeAction(params: TemplateParams, facts: TemplateFacts, chowned: boolean): Action | null {
  const mode = params.mode;
  if (mode === undefined) return null;
  // chown clears setuid/setgid: set such a mode again after it.
  const cleared = chowned && (mode & 0o6000) !== 0;
  if (!cleared && (!facts.exists || facts.mode === mode)) return null;
  const before = facts.exists && facts.mode !== null ? formatMode(facts.mode) : null;
  const summary = `mode of ${params.dest}: ${before ?? '(new file)'} -> ${formatMode(mode)}`;
  return {
    change: { summary, runtime: { key: `mode ${params.dest}`, before, after: formatMode(mode) } },
    steps: [{ kind: 'exec', description: summary, command: sh`chmod ${formatMode(mode)} -- ${params.dest}` }],
  };
}

/** Content, then owner, then mode (after chown, which may clear bits). */
export function templateActions(params: TemplateParams, facts: TemplateFacts): Action[] {
  const owner = ownerAction(params, facts);
  return [contentAction(params, facts), owner, modeAction(params, facts, owner !== null)].filter(
    (action): action is Action => action !== null,
  );
}

export function templateInspect(params: TemplateParams, facts: TemplateFacts): Problem[] {
  if (facts.symlink)
    return [
      {
        severity: 'error',
        message: `${params.dest} is a symbolic link: netfix would replace the link, not the file it points to; give the real path as dest`,
      },
    ];
  if (facts.exists && facts.content === null)
    return [{ severity: 'error', message: `${params.dest} exists but is not a readable regular file` }];
  return [];
}

export function templateVerify(params: TemplateParams, facts: TemplateFacts): Problem[] {
  const problems: Problem[] = [];
  const content = renderedContent(params);
  if (facts.content !== content)
    problems.push({
      severity: 'error',
      message: `${params.dest} does not hold the rendered ${params.src ?? 'content'}`,
      expected: `${content.length} bytes`,
      actual: facts.content === null ? 'missing' : `${facts.content.length} bytes`,
    });
  if (params.mode !== undefined && facts.mode !== params.mode)
    problems.push({
      severity: 'error',
      message: `mode of ${params.dest} differs`,
      expected: formatMode(params.mode),
      actual: facts.mode === null ? 'missing' : formatMode(facts.mode),
    });
  const ownerOk = idMatches(params.owner, facts.uid, facts.ownerName);
  const groupOk = idMatches(params.group, facts.gid, facts.groupName);
  if (!ownerOk || !groupOk)
    problems.push({
      severity: 'error',
      message: `owner of ${params.dest} differs`,
      expected: `${params.owner ?? '*'}:${params.group ?? '*'}`,
      actual: currentOwner(facts),
    });
  return problems;
}
