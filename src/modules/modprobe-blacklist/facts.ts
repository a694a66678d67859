import { raw, type Sh, sh } from '../../shell/index.js';
import { normalizeModuleName } from '../shared/modprobe-config.js';
import { type ModprobeDirEntry, modprobeConfigDirs, modprobeDirOf } from '../shared/modprobe-files.js';
import { netfixOwnedHeader } from '../shared/owned-file.js';
import type { CommandRecord, ProbeRecords } from '../shared/probe-records.js';
import type { ModprobeBlacklistParams } from './params.js';

/** One line of `modprobe --show-depends`: kmod prints no module name on an install line. */
export type DependsLine =
  | { kind: 'insmod' | 'builtin'; module: string }
  | { kind: 'install'; command: string };

export interface ShowDepends {
  exitCode: number;
  output: string;
  lines: DependsLine[];
}

export interface ModprobeBlacklistFacts {
  module: string;
  /** Every entry of the five modprobe.d directories (hidden names excepted). */
  entries: ModprobeDirEntry[];
  /** /proc/cmdline (state: absent only). */
  kernelCmdline: string | null;
  /** `modprobe --show-depends <m>` with the host's configuration: how kmod resolves it (absent only). */
  showDepends: ShowDepends | null;
  /** The same with an empty configuration: every module of the chain by name, install commands ignored. */
  chain: ShowDepends | null;
}

/**
 * Per-module file: each task owns a whole file, so plan compares it with one computed content and
 * never merges lines with other tasks; `state: absent` of one module removes only its file; and
 * `ls /etc/modprobe.d` shows what netfix blocks. The name starts with netfix-, so it cannot take
 * the name of (and mask) a package's file, nor kernel_module's /etc/modprobe.d/<m>.conf.
 */
export function ownBlacklistFile(module: string): string {
  return `/etc/modprobe.d/netfix-blacklist-${normalizeModuleName(module)}.conf`;
}

export function ownBlacklistContent(module: string, disable: boolean): string {
  const name = normalizeModuleName(module);
  return `${netfixOwnedHeader}\nblacklist ${name}\n${disable ? `install ${name} /bin/false\n` : ''}`;
}

export function probeModprobeBlacklist(params: ModprobeBlacklistParams): Sh {
  const module = normalizeModuleName(params.module);
  // Globs stay unquoted on purpose: the shell expands them. They are constant text. `*`, not
  // `*.conf`: netfix edits every file of /etc and /run (module-init-tools read them all), and
  // nf_exists also sees links to /dev/null, which mask a package file of the same name.
  const globs = raw(modprobeConfigDirs.map((dir) => `${dir}/*`).join(' '));
  const files = sh`nf_exists ${globs}
nf_glob ${globs}`;
  if (params.state === 'present') return files;
  // Two modprobe processes inside the probe exec (no extra round trip), for `absent` tasks, when
  // kmodInstallGate says they can matter. --show-depends never loads anything, so it cannot
  // hang like the loads of incident 3. The first shows how kmod itself resolves the module with
  // this host's configuration (a check on the files netfix read); the second, with an empty
  // configuration (-C /dev/null), names every module of the dependency chain, which the first
  // cannot do: kmod prints `install /bin/false` without the module's name.
  return sh`${files}
nf_file /proc/cmdline
${kmodInstallGate}
if [ "$nf_kmod_inst" != 1 ]; then
nf_cmd show-depends modprobe --show-depends ${module}
nf_cmd chain modprobe --show-depends -C /dev/null ${module}
fi`;
}

/**
 * Sets $nf_kmod_inst to 1 when neither the chain nor kmod's resolution can change what checks.ts
 * reports, so that the two modprobe calls per module are skipped: no file kmod reads (every
 * regular file of the modprobe.d directories, more than the *.conf it reads, and the old
 * /etc/modprobe.conf) has a line starting with `install`, and the kernel command line no
 * module_blacklist=. Then --show-depends prints insmod and builtin lines only, and no module of
 * any chain has a block of every load: the chain checks, the unexplained install check and
 * verify's kmod check all find nothing. One grep, run once per script whatever the number of
 * modules, rather than `modprobe -c`, which prints every alias of every module (thousands of
 * lines on a real host; on the lab, a Python start of 10-20 ms CPU). The file list is built in a
 * function so that its `set --` leaves the script's arguments alone; an unreadable file or a
 * missing grep leaves the gate open (grep's error code).
 */
const kmodInstallGate = raw(`if [ -z "$nf_kmod_inst" ]; then
nf_kmod_files() { set --; for nf_f in ${modprobeConfigDirs.map((dir) => `${dir}/*`).join(' ')} /etc/modprobe.conf; do [ -f "$nf_f" ] && set -- "$@" "$nf_f"; done; [ $# -gt 0 ] || return 1; grep -qsE '^[[:space:]]*install[[:space:]]' -- "$@"; }
nf_kmod_files; nf_kmod_inst=$?
nf_kmod_cl=; { read -r nf_kmod_cl < /proc/cmdline; } 2>/dev/null
case "$nf_kmod_cl" in *module_blacklist=*|*module-blacklist=*) nf_kmod_inst=0;; esac
fi`);

/** Module name from a .ko path: /lib/modules/6.1.0/kernel/net/netfilter/nf_conntrack.ko.xz. */
function moduleOfPath(path: string): string {
  return normalizeModuleName(path.slice(path.lastIndexOf('/') + 1).replace(/\.ko(\.[A-Za-z0-9]+)?$/, ''));
}

export function parseShowDepends(record: CommandRecord | undefined): ShowDepends | null {
  if (!record) return null;
  const lines = record.output.split('\n').flatMap((text): DependsLine[] => {
    const [kind, ...rest] = text.trim().split(/\s+/);
    if (kind === 'insmod' && rest[0]) return [{ kind, module: moduleOfPath(rest[0]) }];
    if (kind === 'builtin' && rest[0]) return [{ kind, module: normalizeModuleName(rest[0]) }];
    if (kind === 'install' && rest.length > 0) return [{ kind, command: rest.join(' ') }];
    return [];
  });
  return { exitCode: record.exitCode, output: record.output.trim(), lines };
}

/** Modules --show-depends names (insmod and builtin lines). */
export function namedModules(depends: ShowDepends | null): string[] {
  return (depends?.lines ?? []).flatMap((line) => (line.kind === 'install' ? [] : [line.module]));
}

export function parseModprobeBlacklistFacts(
  records: ProbeRecords,
  params: ModprobeBlacklistParams,
): ModprobeBlacklistFacts {
  const paths = new Set<string>();
  for (const path of records.existing) if (modprobeDirOf(path)) paths.add(path);
  for (const file of records.files.values())
    if (file.content !== null && modprobeDirOf(file.path)) paths.add(file.path);
  const entries = [...paths]
    .sort()
    .map((path) => ({ path, content: records.files.get(path)?.content ?? null }));
  return {
    module: normalizeModuleName(params.module),
    entries,
    kernelCmdline: records.files.get('/proc/cmdline')?.content ?? null,
    showDepends: parseShowDepends(records.commands.get('show-depends')),
    chain: parseShowDepends(records.commands.get('chain')),
  };
}
