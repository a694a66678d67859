import { sh } from '../../shell/index.js';
import type { Change, Problem, RemoteStep } from '../define.js';
import { unifiedDiff } from '../shared/file-diff.js';
import { appendLine, removeLines } from '../shared/line-edit.js';
import {
  type ModprobeDirective,
  parseModprobeConfig,
  parseModuleList,
  parseOptions,
} from '../shared/modprobe-config.js';
import { netfixOwnedHeader } from '../shared/owned-file.js';
import type { FileRecord } from '../shared/probe-records.js';
import { type KernelModuleFacts, ownModulesLoadFile, ownOptionsFile, sysconfigScriptPath } from './facts.js';
import type { KernelModuleParams } from './params.js';

/** A change together with the steps that make it: plan() and apply() are two views of this list. */
export interface Action {
  change: Change;
  steps: RemoteStep[];
}

const isLoaded = (facts: KernelModuleFacts) => facts.state !== 'absent';

function fileAction(
  summary: string,
  path: string,
  before: string | null,
  after: string,
  mode: number,
): Action {
  return {
    change: { summary, file: { path, diff: unifiedDiff(path, before, after) } },
    steps: [{ kind: 'writeFile', description: summary, path, content: after, mode }],
  };
}

function removeFileAction(summary: string, path: string, before: string): Action {
  return {
    change: { summary, file: { path, diff: unifiedDiff(path, before, null) } },
    steps: [{ kind: 'removeFile', description: summary, path }],
  };
}

// inspect, plan and apply each ask, for every kernel_module task of a host, about the same
// modprobe.d files (one record per file and script): parse each once.
const parsedConfigs = new WeakMap<FileRecord, ModprobeDirective[]>();
function fileDirectives(file: FileRecord): ModprobeDirective[] {
  let directives = parsedConfigs.get(file);
  if (!directives) {
    directives = parseModprobeConfig(file.path, file.content ?? '');
    parsedConfigs.set(file, directives);
  }
  return directives;
}

function directivesFor(facts: KernelModuleFacts, keyword: string) {
  return facts.modprobeConfigs.flatMap((file) =>
    fileDirectives(file).filter(
      (directive) => directive.keyword === keyword && directive.module === facts.module,
    ),
  );
}

function persistenceAction(facts: KernelModuleFacts): Action | null {
  if (facts.listings.length > 0) return null;
  const module = facts.module;
  switch (facts.backend) {
    case 'modules-load.d': {
      const path = ownModulesLoadFile(module);
      const before = facts.bootLists.find((file) => file.path === path)?.content ?? null;
      return fileAction(
        `load ${module} at boot (${path})`,
        path,
        before,
        `${netfixOwnedHeader}\n${module}\n`,
        0o644,
      );
    }
    case 'etc-modules': {
      const before = facts.bootLists.find((file) => file.path === '/etc/modules')?.content ?? null;
      return fileAction(
        `load ${module} at boot (/etc/modules)`,
        '/etc/modules',
        before,
        appendLine(before, module),
        0o644,
      );
    }
    case 'sysconfig-modules': {
      const path = sysconfigScriptPath(module);
      const script = `#!/bin/sh\n${netfixOwnedHeader}\nexec /sbin/modprobe ${module} >/dev/null 2>&1\n`;
      return fileAction(
        `load ${module} at boot (${path})`,
        path,
        facts.sysconfigScript?.content ?? null,
        script,
        0o755,
      );
    }
  }
}

/** The options file content with our parameters merged into this module's first options line. */
function desiredOptionsFile(
  facts: KernelModuleFacts,
  wanted: Record<string, string>,
  before: string | null,
): string {
  const path = ownOptionsFile(facts.module);
  const existing = before === null ? [] : parseModprobeConfig(path, before);
  const first = existing.find(
    (directive) => directive.keyword === 'options' && directive.module === facts.module,
  );
  if (!first || before === null) {
    const line = `options ${facts.module} ${Object.entries(wanted)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}`;
    return before === null ? `${netfixOwnedHeader}\n${line}\n` : appendLine(before, line);
  }
  const merged = parseOptions(first.rest);
  for (const [key, value] of Object.entries(wanted)) merged.set(key, value);
  const line = `options ${facts.module} ${[...merged].map(([key, value]) => (value === '' ? key : `${key}=${value}`)).join(' ')}`;
  const lines = before.split('\n');
  lines[first.line - 1] = line;
  return lines.join('\n');
}

function optionsActions(params: KernelModuleParams, facts: KernelModuleFacts): Action[] {
  const wanted = params.params;
  if (Object.keys(wanted).length === 0) return [];
  const path = ownOptionsFile(facts.module);
  const before = facts.modprobeConfigs.find((file) => file.path === path)?.content ?? null;
  const after = desiredOptionsFile(facts, wanted, before);
  const actions: Action[] = [];
  if (after !== before)
    actions.push(fileAction(`set options ${facts.module} in ${path}`, path, before, after, 0o644));
  if (facts.state === 'live') {
    for (const [key, value] of Object.entries(wanted)) {
      const live = facts.liveParams.get(key);
      if (!live || live.value === value || !isWritable(live.mode)) continue;
      const sysPath = `/sys/module/${facts.module}/parameters/${key}`;
      const summary = `set ${facts.module}.${key} live: ${live.value} -> ${value}`;
      actions.push({
        change: { summary, runtime: { key: sysPath, before: live.value, after: value } },
        steps: [{ kind: 'exec', description: summary, command: sh`printf '%s\\n' ${value} > ${sysPath}` }],
      });
    }
  }
  return actions;
}

function isWritable(mode: number | null): boolean {
  return mode !== null && (mode & 0o200) !== 0;
}

function presentActions(params: KernelModuleParams, facts: KernelModuleFacts): Action[] {
  const module = facts.module;
  // Options go first so that a load in the same run already picks them up.
  const actions = optionsActions(params, facts);
  if (!isLoaded(facts)) {
    const summary = `load module ${module}`;
    actions.push({
      change: { summary, runtime: { key: `module ${module}`, before: 'not loaded', after: 'loaded' } },
      steps: [{ kind: 'exec', description: summary, command: sh`modprobe ${module}` }],
    });
  }
  if (params.persistent && facts.state !== 'builtin') {
    const persistence = persistenceAction(facts);
    if (persistence) actions.push(persistence);
  }
  return actions;
}

function ownedEntries(facts: KernelModuleFacts): Action[] {
  const module = facts.module;
  const actions: Action[] = [];
  const owned = (file: FileRecord | null | undefined) => file?.content?.includes(netfixOwnedHeader) ?? false;
  const loadFile = facts.bootLists.find((file) => file.path === ownModulesLoadFile(module));
  if (loadFile?.content && owned(loadFile))
    actions.push(removeFileAction(`stop loading ${module} at boot`, loadFile.path, loadFile.content));
  const etcModules = facts.bootLists.find((file) => file.path === '/etc/modules');
  if (etcModules?.content) {
    const lines = new Set(
      parseModuleList(etcModules.content)
        .filter((entry) => entry.module === module)
        .map((entry) => entry.line),
    );
    if (lines.size > 0) {
      const after = removeLines(etcModules.content, lines);
      actions.push(
        fileAction(
          `stop loading ${module} at boot (/etc/modules)`,
          '/etc/modules',
          etcModules.content,
          after,
          0o644,
        ),
      );
    }
  }
  if (facts.sysconfigScript?.content && owned(facts.sysconfigScript))
    actions.push(
      removeFileAction(
        `stop loading ${module} at boot`,
        facts.sysconfigScript.path,
        facts.sysconfigScript.content,
      ),
    );
  return actions;
}

function absentActions(facts: KernelModuleFacts): Action[] {
  const actions: Action[] = [];
  if (facts.state === 'live' && facts.refcnt === 0 && facts.holders.length === 0) {
    const summary = `unload module ${facts.module}`;
    actions.push({
      change: { summary, runtime: { key: `module ${facts.module}`, before: 'loaded', after: 'not loaded' } },
      steps: [{ kind: 'exec', description: summary, command: sh`modprobe -r ${facts.module}` }],
    });
  }
  return [...actions, ...ownedEntries(facts)];
}

export function kernelModuleActions(params: KernelModuleParams, facts: KernelModuleFacts): Action[] {
  return params.state === 'present' ? presentActions(params, facts) : absentActions(facts);
}

/** What is wrong whatever netfix does next: a missing module, a boot-time block, a module in use. */
export function kernelModuleInspect(params: KernelModuleParams, facts: KernelModuleFacts): Problem[] {
  const module = facts.module;
  const problems: Problem[] = [];
  if (params.state === 'absent') {
    if (facts.state === 'builtin')
      problems.push({
        severity: 'error',
        message: `${module} is built into the kernel and cannot be unloaded`,
      });
    if (facts.state === 'live' && (facts.refcnt > 0 || facts.holders.length > 0))
      problems.push({
        severity: 'error',
        message: `${module} is in use (refcnt ${facts.refcnt}${facts.holders.length ? `, used by ${facts.holders.join(', ')}` : ''}); refusing to unload it`,
      });
    return problems;
  }
  if (facts.state === 'absent' && facts.modinfo && facts.modinfo.exitCode !== 0)
    problems.push({
      severity: 'error',
      message: `module ${module} does not exist on this host (modinfo: ${facts.modinfo.output || `exit ${facts.modinfo.exitCode}`})`,
    });
  for (const install of directivesFor(facts, 'install')) {
    if (/^\/(usr\/)?bin\/(false|true)\b/.test(install.rest))
      problems.push({
        severity: 'error',
        message: `${install.file}:${install.line} has 'install ${module} ${install.rest}': every load of ${module} is blocked (remove that line)`,
      });
  }
  if (params.persistent && facts.backend === 'modules-load.d') {
    for (const blacklist of directivesFor(facts, 'blacklist'))
      problems.push({
        severity: 'error',
        message: `${blacklist.file}:${blacklist.line} blacklists ${module}: systemd-modules-load skips it at boot, so it will not be loaded after a reboot`,
      });
  }
  // Writable live values are fixed by the plan; what no change can fix is said before any change.
  problems.push(
    ...liveParamProblems(params, facts).filter(
      (problem) => problem.severity === 'warning' || !problem.expected,
    ),
  );
  return problems;
}

/** On re-probed facts: is the module where the task wanted it, and why not. */
export function kernelModuleVerify(params: KernelModuleParams, facts: KernelModuleFacts): Problem[] {
  const module = facts.module;
  const problems: Problem[] = [];
  if (params.state === 'absent') {
    if (facts.state === 'live')
      problems.push({
        severity: 'error',
        message: `${module} is still loaded`,
        expected: 'not loaded',
        actual: facts.state,
      });
    return problems;
  }
  if (!isLoaded(facts))
    problems.push({
      severity: 'error',
      message: `${module} is not loaded`,
      expected: 'live',
      actual: 'absent',
    });
  if (params.persistent && facts.state !== 'builtin' && facts.listings.length === 0)
    problems.push({
      severity: 'error',
      message: `${module} is not listed to load at boot`,
      expected: `listed for ${facts.backend}`,
      actual: 'not listed',
    });
  problems.push(...liveParamProblems(params, facts));
  return problems;
}

/** Live parameters against the wanted values: writable mismatches are errors, read-only ones warnings. */
function liveParamProblems(params: KernelModuleParams, facts: KernelModuleFacts): Problem[] {
  if (facts.state !== 'live') return [];
  const module = facts.module;
  return Object.entries(params.params).flatMap(([key, value]): Problem[] => {
    const live = facts.liveParams.get(key);
    if (!live)
      return [
        {
          severity: 'error',
          message: `${module} has no parameter ${key} (no /sys/module/${module}/parameters/${key})`,
        },
      ];
    if (live.value === value) return [];
    if (isWritable(live.mode))
      return [
        {
          severity: 'error',
          message: `${module}.${key} live value differs`,
          expected: value,
          actual: live.value,
        },
      ];
    const mode = (live.mode ?? 0).toString(8).padStart(4, '0');
    return [
      {
        severity: 'warning',
        message: `${module}.${key} is read-only at runtime (mode ${mode}): the options file takes effect after the module is reloaded or the host reboots`,
        expected: value,
        actual: live.value,
      },
    ];
  });
}
