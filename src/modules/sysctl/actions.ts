import { sh } from '../../shell/index.js';
import type { Change, RemoteStep } from '../define.js';
import { unifiedDiff } from '../shared/file-diff.js';
import type { SysctlFacts } from './facts.js';
import type { SysctlParams } from './params.js';
import { withKeyRemoved, withKeySet } from './target-file.js';

/** A change together with the steps that make it: plan() and apply() are two views of this list. */
export interface Action {
  change: Change;
  steps: RemoteStep[];
}

/** The value asked for; the schema requires it whenever state is present. */
export function wantedValue(params: SysctlParams): string {
  if (params.value === undefined) throw new Error('sysctl: value is required when state is present');
  return params.value;
}

/**
 * The task's file before and after the change, or null when netfix must not write it: a name that
 * exists but is not a readable regular file (a /dev/null mask) would be replaced by a file with the
 * mask's mode, so inspect refuses it instead.
 */
export function plannedFile(
  params: SysctlParams,
  facts: SysctlFacts,
): { before: string | null; after: string | null } | null {
  const target = facts.configFiles.find((file) => file.path === params.file);
  if (target && target.content === null) return null;
  const before = target?.content ?? null;
  if (params.state === 'absent')
    return { before, after: before === null ? null : withKeyRemoved(before, facts.key) };
  return { before, after: withKeySet(before, facts.key, wantedValue(params)) };
}

function fileAction(params: SysctlParams, facts: SysctlFacts): Action | null {
  const planned = plannedFile(params, facts);
  if (!planned || planned.after === null || planned.after === planned.before) return null;
  const { name } = facts.key;
  const summary =
    params.state === 'absent'
      ? `remove ${name} from ${params.file} (the live value stays until the next boot)`
      : planned.before === null
        ? `create ${params.file} with ${name} = ${wantedValue(params)}`
        : `set ${name} = ${wantedValue(params)} in ${params.file}`;
  return {
    change: {
      summary,
      file: { path: params.file, diff: unifiedDiff(params.file, planned.before, planned.after) },
    },
    steps: [
      { kind: 'writeFile', description: summary, path: params.file, content: planned.after, mode: 0o644 },
    ],
  };
}

function liveAction(params: SysctlParams, facts: SysctlFacts): Action | null {
  if (params.state !== 'present' || !params.runtime || facts.live.kind !== 'value') return null;
  const value = wantedValue(params);
  if (facts.live.value === value) return null;
  const { name, procPath } = facts.key;
  const summary = `set ${name} live: ${facts.live.value} -> ${value}`;
  return {
    change: { summary, runtime: { key: name, before: facts.live.value, after: value } },
    // A write to /proc/sys rather than `sysctl -w`: no tool whose flags and `key=value` splitting
    // differ between procps versions and busybox, the path is the one probe and verify read, and
    // the exit status is the kernel's answer to this one write (EINVAL for a bad value).
    steps: [{ kind: 'exec', description: summary, command: sh`printf '%s\\n' ${value} > ${procPath}` }],
  };
}

/**
 * Live value first: the kernel checks the value, so a value it refuses stops the task before it
 * is written to a file the next boot would apply. A key that does not exist yet gets the file only.
 */
export function sysctlActions(params: SysctlParams, facts: SysctlFacts): Action[] {
  if (params.state === 'checked') return [];
  return [liveAction(params, facts), fileAction(params, facts)].filter((action) => action !== null);
}
