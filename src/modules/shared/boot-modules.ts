import { raw, type Sh } from '../../shell/index.js';
import { normalizeModuleName, parseModuleList } from './modprobe-config.js';
import type { ProbeRecords } from './probe-records.js';

// How a host loads modules at boot, and where a module is listed for it. kernel_module writes
// these entries; sysctl reads them (incident 1: a key whose module is not loaded at boot is lost).

/** The backend a host boots with, detected from the probe (no fork). */
export type BootBackend = 'modules-load.d' | 'etc-modules' | 'sysconfig-modules';

export const modulesLoadDirs = [
  '/etc/modules-load.d',
  '/run/modules-load.d',
  '/usr/local/lib/modules-load.d',
  '/usr/lib/modules-load.d',
  '/lib/modules-load.d',
] as const;
export const sysconfigModulesDir = '/etc/sysconfig/modules';

export interface BootListing {
  file: string;
  /** 1-based; 0 for a RHEL 6 script, which lists the module anywhere in its text. */
  line: number;
}

export function detectBootBackend(records: ProbeRecords): BootBackend {
  if (records.existing.has('/run/systemd/system')) return 'modules-load.d';
  if (records.existing.has(sysconfigModulesDir)) return 'sysconfig-modules';
  return 'etc-modules';
}

/** nf_exists of what detectBootBackend() reads: no fork. */
export const bootBackendProbe: Sh = raw(`nf_exists /run/systemd/system ${sysconfigModulesDir}`);

/**
 * Every file that can list a module for boot. Globs stay unquoted so the shell expands them; the
 * sysconfig scripts are read (and stat'ed, one fork) only where that directory exists.
 */
export const bootListsProbe: Sh =
  raw(`nf_glob ${modulesLoadDirs.map((dir) => `${dir}/*.conf`).join(' ')} /etc/modules
if [ -d ${sysconfigModulesDir} ]; then nf_glob ${sysconfigModulesDir}/*.modules; nf_stat ${sysconfigModulesDir}/*.modules; fi`);

/** Directly in one of `dirs`. Runs for every file record of every task parse: no string built. */
function isUnder(path: string, dirs: readonly string[]): boolean {
  return dirs.some(
    (dir) =>
      path.length > dir.length + 1 &&
      path.charCodeAt(dir.length) === 47 &&
      path.startsWith(dir) &&
      path.indexOf('/', dir.length + 1) === -1,
  );
}

/**
 * Where the module is listed for boot. systemd reads modules-load.d (Debian's /etc/modules is a
 * symlink in there); Debian's sysvinit kmod script reads modules-load.d and /etc/modules; RHEL 6's
 * rc.sysinit runs every executable /etc/sysconfig/modules/*.modules, so a script counts when it is
 * executable and names the module.
 */
export function bootListings(records: ProbeRecords, backend: BootBackend, module: string): BootListing[] {
  const files = [...records.files.values()].filter((file) => file.content !== null);
  if (backend === 'sysconfig-modules') {
    const spellings = new RegExp(
      `(^|[^A-Za-z0-9_-])(${module}|${module.replaceAll('_', '-')})($|[^A-Za-z0-9_-])`,
      'm',
    );
    return files
      .filter(
        (file) =>
          isUnder(file.path, [sysconfigModulesDir]) &&
          file.path.endsWith('.modules') &&
          file.mode !== undefined &&
          (file.mode & 0o111) !== 0 &&
          spellings.test(file.content ?? ''),
      )
      .map((file) => ({ file: file.path, line: 0 }));
  }
  return files
    .filter(
      (file) =>
        (isUnder(file.path, modulesLoadDirs) && file.path.endsWith('.conf')) ||
        (backend === 'etc-modules' && file.path === '/etc/modules'),
    )
    .flatMap((file) =>
      parseModuleList(file.content ?? '')
        .filter((entry) => entry.module === normalizeModuleName(module))
        .map((entry) => ({ file: file.path, line: entry.line })),
    );
}
