// inspect() and verify(): what the plan cannot fix, and whether the result holds on re-probed facts.
import type { Problem } from '../define.js';
import { baseName, type ModprobeDirEntry, modprobeDirOf } from '../shared/modprobe-files.js';
import { applyEdits, plannedEdits, presentGaps, removableDirectives } from './actions.js';
import {
  type BlockingDirective,
  blockingDirectives,
  firstInstall,
  isNoopInstall,
  kmodDirectives,
  type ReadDirective,
} from './blocking.js';
import { type ModprobeBlacklistFacts, namedModules } from './facts.js';
import type { ModprobeBlacklistParams } from './params.js';

function where(block: { file: string; line: number }): string {
  return block.file === '/proc/cmdline' ? 'the kernel command line' : `${block.file}:${block.line}`;
}

/** A block on the module itself that no edit of /etc or /run removes. */
function unremovableProblem(module: string, block: BlockingDirective): Problem {
  const allLoads = block.effect === 'all-loads';
  const blocks = allLoads
    ? `stops every load of ${module}`
    : `blacklists ${module} (modprobe skips it when an alias asks for it: udev, the kernel's own requests)`;
  const severity = allLoads ? 'error' : 'warning';
  if (block.file === '/proc/cmdline')
    return {
      severity,
      message: `the kernel command line has '${block.text}', which ${blocks}: netfix does not edit the boot loader; remove it there (GRUB_CMDLINE_LINUX) and reboot`,
    };
  if (block.editable)
    return {
      severity,
      message: `${where(block)} '${block.text}' ${blocks} through a pattern that also covers other modules: netfix removes only lines that name ${module}; edit that line`,
    };
  // No automatic override: a copy in /etc/modprobe.d masks the whole package file, and every
  // later update of it would be ignored without a word. The person who makes it should know.
  return {
    severity,
    message: `${where(block)} '${block.text}' ${blocks}; netfix does not edit ${modprobeDirOf(block.file) ?? 'package files'} (package files): copy the file to /etc/modprobe.d/${baseName(block.file)} without line ${block.line} (kmod then reads that copy instead, and ignores later updates of the package's file)`,
  };
}

/** The dependency chain by name (empty configuration), or the names the real resolution shows. */
function chainModules(facts: ModprobeBlacklistFacts): string[] {
  const chain = namedModules(facts.chain);
  return chain.length > 0 ? chain : namedModules(facts.showDepends);
}

/** Dependencies that cannot load at all: the module cannot either (kernel-facts.md, incident 3). */
function chainProblems(facts: ModprobeBlacklistFacts, entries: readonly ModprobeDirEntry[]): Problem[] {
  const module = facts.module;
  const dependencies = chainModules(facts).filter((name) => name !== module);
  // A blacklisted dependency still loads as a dependency (kmod applies the blacklist to aliases
  // only), so only blocks of every load are reported here.
  return blockingDirectives(entries, dependencies, facts.kernelCmdline)
    .filter((block) => block.effect === 'all-loads')
    .map((block) => ({
      severity: 'warning',
      message: `${module} depends on ${block.module}, and ${where(block)} '${block.text}' stops ${block.module} from loading: loading ${module} fails while it is there${block.editable ? ` (a modprobe_blacklist task with module: ${block.module}, state: absent removes it)` : ''}`,
    }));
}

/**
 * kmod's own resolution against the files netfix read: install commands that load nothing and
 * that the files do not account for mean netfix's picture is incomplete (or, when kmod cannot
 * run `-C /dev/null`, that a dependency's install line cannot be told apart from another one).
 */
function unexplainedInstalls(facts: ModprobeBlacklistFacts): Problem[] {
  const depends = facts.showDepends;
  if (depends?.exitCode !== 0) return [];
  const noops = depends.lines.flatMap((line) =>
    line.kind === 'install' && isNoopInstall(line.command) ? [line.command] : [],
  );
  const directives = kmodDirectives(facts.entries);
  const chain = new Set([...chainModules(facts), facts.module]);
  const explained = [...chain].filter((name) => {
    const install = firstInstall(directives, name);
    return install !== null && isNoopInstall(install.command);
  }).length;
  if (noops.length <= explained) return [];
  const named = new Set(namedModules(depends));
  // kmod prints the install command as written, then the module's options.
  const printsAs = (directive: ReadDirective) =>
    noops.some((command) => `${command} `.startsWith(`${directive.command} `));
  const candidates = directives.filter(
    (directive) =>
      directive.keyword === 'install' &&
      isNoopInstall(directive.command) &&
      printsAs(directive) &&
      !chain.has(directive.module) &&
      !named.has(directive.module) &&
      firstInstall(directives, directive.module) === directive,
  );
  const module = facts.module;
  const count = noops.length - explained;
  return [
    {
      severity: 'warning',
      message: `modprobe --show-depends ${module} shows ${count} install command${count > 1 ? 's' : ''} that load${count > 1 ? '' : 's'} nothing ('${[...new Set(noops)].join("', '")}') for a module of its chain that netfix cannot name: loading ${module} fails. ${
        candidates.length > 0
          ? `Lines kmod reads that print that command: ${candidates.map((directive) => `${directive.file}:${directive.line} '${directive.text}'`).join('; ')}`
          : 'No modprobe.d file netfix read has such a line: look for another source (/etc/modprobe.conf, a kmod built with other directories)'
      }`,
    },
  ];
}

/** Problems before any change: what the plan cannot fix, and what it fixes only until the next boot. */
export function modprobeBlacklistInspect(
  params: ModprobeBlacklistParams,
  facts: ModprobeBlacklistFacts,
): Problem[] {
  const planned = plannedEdits(params, facts);
  const after = applyEdits(facts.entries, planned);
  if (params.state === 'present') return presentGaps(params, facts.module, after);
  const fromRun: Problem[] = planned
    .filter((edit) => modprobeDirOf(edit.path) === '/run/modprobe.d')
    .map((edit) => ({
      severity: 'warning',
      message: `${edit.path} is under /run, which is rebuilt at every boot: netfix removes the line now, but whatever wrote it there (a generator, a boot script) will write it again`,
    }));
  return [
    ...fromRun,
    ...blockingDirectives(after, [facts.module], facts.kernelCmdline).map((block) =>
      unremovableProblem(facts.module, block),
    ),
    ...chainProblems(facts, after),
    ...unexplainedInstalls(facts),
  ];
}

/** On re-probed facts: the lines are gone (absent) or the entry is in force (present); kmod agrees. */
export function modprobeBlacklistVerify(
  params: ModprobeBlacklistParams,
  facts: ModprobeBlacklistFacts,
): Problem[] {
  const module = facts.module;
  if (params.state === 'present') return presentGaps(params, module, facts.entries);
  const problems: Problem[] = facts.entries.flatMap((entry) =>
    removableDirectives(module, entry).map(
      (directive): Problem => ({
        severity: 'error',
        message: `${entry.path}:${directive.line} still has '${directive.text}'`,
        expected: `no blacklist or install /bin/false line for ${module} in /etc/modprobe.d or /run/modprobe.d`,
        actual: directive.text,
      }),
    ),
  );
  // kmod names the module on an insmod (or builtin) line unless an install command replaces it.
  const depends = facts.showDepends;
  if (depends && depends.exitCode === 0 && !namedModules(depends).includes(module)) {
    const noop = depends.lines.find((line) => line.kind === 'install' && isNoopInstall(line.command));
    if (noop?.kind === 'install' && !firstInstall(kmodDirectives(facts.entries), module))
      problems.push({
        severity: 'error',
        message: `kmod still resolves ${module} to 'install ${noop.command}' (modprobe --show-depends ${module}), from configuration netfix did not read`,
        expected: `insmod .../${module}.ko`,
        actual: `install ${noop.command}`,
      });
  }
  return problems;
}
