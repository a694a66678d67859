import type { Problem } from '../define.js';
import type { BootBackend } from '../shared/boot-modules.js';
import { etcSysctlConf } from '../shared/sysctl-config.js';
import { plannedFile, wantedValue } from './actions.js';
import {
  type BootSetting,
  bootFiles,
  bootSettings,
  bootSysctlStep,
  describeSetting,
  isFile,
  withContent,
} from './boot-order.js';
import type { SysctlFacts } from './facts.js';
import type { SysctlParams } from './params.js';
import { keyAssignments } from './target-file.js';

const error = (message: string, extra: Partial<Problem> = {}): Problem => ({
  severity: 'error',
  message,
  ...extra,
});
const warning = (message: string): Problem => ({ severity: 'warning', message });

function targetFileProblems(params: SysctlParams, facts: SysctlFacts): Problem[] {
  if (plannedFile(params, facts)) return [];
  return [
    error(
      `${params.file} exists but is not a readable regular file (a symlink to /dev/null masks it): netfix will not replace it; remove it or choose another \`file:\``,
    ),
  ];
}

/** Does the key exist, and if not, why (the module that provides it is not loaded). */
/** state: checked: the live value is a proof of an earlier task's work; nothing here is written. */
function checkedProblems(params: SysctlParams, facts: SysctlFacts): Problem[] {
  if (facts.live.kind !== 'value') return keyProblems(params, facts);
  const value = wantedValue(params);
  if (facts.live.value === value) return [];
  return [
    error(`${facts.key.name} is ${facts.live.value} live, not ${value}`, {
      expected: value,
      actual: facts.live.value,
    }),
  ];
}

function keyProblems(params: SysctlParams, facts: SysctlFacts): Problem[] {
  const { name, procPath } = facts.key;
  if (facts.live.kind === 'value') return [];
  if (facts.live.kind === 'unreadable')
    return [
      error(
        `cannot read ${procPath}: it exists but is not a readable file (a directory rather than a key, or a write-only key)`,
      ),
    ];
  const provider = facts.provider;
  if (!provider) return [error(`no such key ${name}: ${procPath} does not exist`)];
  if (provider.state !== 'absent')
    return [error(`no such key ${name}: ${procPath} does not exist although ${provider.module} is loaded`)];
  const module = provider.module;
  if (!params.runtime)
    return [
      warning(
        `${name} does not exist until ${module} is loaded: only ${params.file} is set (runtime: false), for the next boot`,
      ),
    ];
  return [
    error(
      `${name} exists only while ${module} is loaded, and it is not: load it first (a kernel_module task for ${module} before this one)`,
    ),
  ];
}

const notListedWhere: Record<BootBackend, string> = {
  'modules-load.d': 'no modules-load.d file lists it',
  'etc-modules': 'neither /etc/modules nor a modules-load.d file lists it',
  'sysconfig-modules': 'no executable /etc/sysconfig/modules/*.modules loads it',
};

/**
 * Incident 1: a key that exists only while a module is loaded is skipped at boot unless the module
 * is loaded before the sysctl step, and the boot still succeeds. Reported whatever the live value.
 */
function lostAtBootProblems(facts: SysctlFacts): Problem[] {
  const provider = facts.provider;
  if (!provider || provider.state === 'builtin' || provider.bootListings.length > 0) return [];
  const module = provider.module;
  return [
    error(
      `this value will be lost at boot: ${module} is not loaded before ${bootSysctlStep(facts.backend)} (${notListedWhere[facts.backend]}), so ${facts.key.name} does not exist when the boot applies it; add a kernel_module task for ${module} (persistent) before this one`,
    ),
  ];
}

/** What to do about a later file, by who owns it: netfix reports it and never edits it. */
function shadowAdvice(winner: BootSetting, facts: SysctlFacts): string {
  if (isFile(winner, etcSysctlConf) && facts.backend === 'etc-modules')
    return `remove it there: ${etcSysctlConf} is applied after every sysctl.d file on this host`;
  const name = winner.file.slice(winner.file.lastIndexOf('/') + 1);
  const later = `set \`file:\` to a name in /etc/sysctl.d that sorts after ${name}`;
  if (winner.file.startsWith('/etc/') || winner.file.startsWith('/run/'))
    return `remove it there, or ${later}`;
  // A package owns files under /usr and /lib: an edit there comes back with the next upgrade.
  return `that file belongs to a package: mask it with /etc/sysctl.d/${name} (a copy without the line), or ${later}`;
}

/**
 * The value the next boot applies, with the task's file holding `targetContent`: an error when
 * another file applied later sets it differently, or when the task's file is not read at boot;
 * a warning when /etc/sysctl.conf disagrees, since `sysctl -p` re-applies that file by hand.
 */
function bootProblems(
  params: SysctlParams,
  facts: SysctlFacts,
  targetContent: string | null,
  withWarnings: boolean,
): Problem[] {
  const value = wantedValue(params);
  const { name } = facts.key;
  const files = bootFiles(facts.backend, withContent(facts.configFiles, params.file, targetContent));
  const settings = bootSettings(facts.key.path, files);
  const winner = settings.at(-1);
  const problems: Problem[] = [];
  if (!files.some((file) => isFile(file, params.file)))
    problems.push(
      error(
        `${params.file} is not read at boot on this host: ${bootSysctlStep(facts.backend)} does not apply it; use a file in /etc/sysctl.d`,
        {
          expected: `${name} = ${value} at boot`,
          actual: winner ? `${winner.value} from ${describeSetting(winner)}` : 'not set',
        },
      ),
    );
  else if (winner && !isFile(winner, params.file) && winner.value !== value)
    problems.push(
      error(
        `${describeSetting(winner)} sets ${name} = ${winner.value} and is applied after ${params.file} at boot: it shadows the value in ${params.file}; ${shadowAdvice(winner, facts)}`,
        { expected: value, actual: `${winner.value} (${describeSetting(winner)})` },
      ),
    );
  if (withWarnings && params.file !== etcSysctlConf) {
    const etcConf = facts.configFiles.find((file) => file.path === etcSysctlConf)?.content ?? null;
    const etcLast = etcConf === null ? undefined : keyAssignments(etcConf, facts.key).at(-1);
    const alreadyReported = winner && isFile(winner, etcSysctlConf) && winner.value !== value;
    if (etcLast && etcLast.value !== value && !alreadyReported)
      problems.push(
        warning(
          `${etcSysctlConf}:${etcLast.line} sets ${name} = ${etcLast.value}: \`sysctl -p\` applies that file by hand and would undo the live value (the boot applies ${winner ? describeSetting(winner) : 'nothing'} last)`,
        ),
      );
  }
  return problems;
}

/** Files other than the task's that still set the key at boot, for state: absent. */
function otherSettersProblems(
  params: SysctlParams,
  facts: SysctlFacts,
  targetContent: string | null,
): Problem[] {
  const files = bootFiles(facts.backend, withContent(facts.configFiles, params.file, targetContent));
  return bootSettings(facts.key.path, files)
    .filter((setting) => !isFile(setting, params.file))
    .map((setting) =>
      warning(
        `${describeSetting(setting)} still sets ${facts.key.name} = ${setting.value} at boot: netfix removes the key only from ${params.file}`,
      ),
    );
}

/** Before any change, on the planned content of the task's file. */
export function sysctlInspect(params: SysctlParams, facts: SysctlFacts): Problem[] {
  if (params.state === 'checked') return checkedProblems(params, facts);
  const fileProblems = targetFileProblems(params, facts);
  const planned = plannedFile(params, facts);
  if (params.state === 'absent')
    return [...fileProblems, ...(planned ? otherSettersProblems(params, facts, planned.after) : [])];
  return [
    ...fileProblems,
    ...keyProblems(params, facts),
    ...lostAtBootProblems(facts),
    ...(planned ? bootProblems(params, facts, planned.after, true) : []),
  ];
}

/** On re-probed facts: live value, the file's line and the boot value, each as expected vs actual. */
export function sysctlVerify(params: SysctlParams, facts: SysctlFacts): Problem[] {
  const { name } = facts.key;
  const content = facts.configFiles.find((file) => file.path === params.file)?.content ?? null;
  const own = keyAssignments(content, facts.key);
  if (params.state === 'absent')
    return own.length === 0
      ? []
      : [
          error(`${params.file} still sets ${name}`, {
            expected: 'no line',
            actual: `line ${own.map((a) => a.line).join(', ')}`,
          }),
        ];

  const value = wantedValue(params);
  // Inspect's warnings are kept by the engine next to these; verify adds only errors.
  const problems = keyProblems(params, facts).filter((problem) => problem.severity === 'error');
  if (params.runtime && facts.live.kind === 'value' && facts.live.value !== value)
    problems.push(error(`${name} live value differs`, { expected: value, actual: facts.live.value }));
  const last = own.at(-1);
  if (last?.value !== value)
    problems.push(
      error(`${params.file} does not set ${name} = ${value}`, {
        expected: `${name} = ${value}`,
        actual: last ? `line ${last.line}: ${name} = ${last.value}` : 'no line for the key',
      }),
    );
  else problems.push(...bootProblems(params, facts, content, false));
  problems.push(...lostAtBootProblems(facts));
  return problems;
}
