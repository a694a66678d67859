import { raw, type Sh, sh } from '../../shell/index.js';
import {
  type BootBackend,
  type BootListing,
  bootBackendProbe,
  bootListings,
  bootListsProbe,
  detectBootBackend,
  modulesLoadDirs,
} from '../shared/boot-modules.js';
import { normalizeModuleName } from '../shared/modprobe-config.js';
import { modprobeConfigDirs } from '../shared/modprobe-files.js';
import type { FileRecord, ProbeRecords } from '../shared/probe-records.js';
import type { KernelModuleParams } from './params.js';

export interface KernelModuleFacts {
  module: string;
  /** kmod's view, from /sys/module/<m>/initstate: loaded modules have it, builtin ones do not. */
  state: 'live' | 'coming' | 'going' | 'builtin' | 'absent';
  /** null when not asked (the module was loaded, so it exists). */
  modinfo: { exitCode: number; output: string } | null;
  refcnt: number;
  holders: string[];
  backend: BootBackend;
  /** Where the module is listed to load at boot on this backend; [] = not persistent. */
  listings: BootListing[];
  /** Every file that may list modules to load at boot, for the detected backend. */
  bootLists: FileRecord[];
  /** /etc/sysconfig/modules/<m>.modules with its mode (RHEL 6). */
  sysconfigScript: FileRecord | null;
  /** Every modprobe.d file (kmod reads them all). */
  modprobeConfigs: FileRecord[];
  /** Live parameters asked for: value and mode, or absent. */
  liveParams: Map<string, { value: string; mode: number | null } | null>;
}

export function ownModulesLoadFile(module: string): string {
  return `/etc/modules-load.d/${module}.conf`;
}
export function ownOptionsFile(module: string): string {
  return `/etc/modprobe.d/${module}.conf`;
}
export function sysconfigScriptPath(module: string): string {
  return `/etc/sysconfig/modules/${module}.modules`;
}

export function probeKernelModule(params: KernelModuleParams): Sh {
  const module = normalizeModuleName(params.name);
  const sysDir = `/sys/module/${module}`;
  const paramPaths = Object.keys(params.params).map((key) => `${sysDir}/parameters/${key}`);
  // No `--` before module names: busybox and older kmod tools reject it, and the name pattern
  // already forbids a leading dash. Globs stay unquoted on purpose (the shell expands them); the module name in them has been
  // checked against a strict pattern, and every other value is quoted.
  const globs = (dirs: readonly string[]) => raw(dirs.map((dir) => `${dir}/*.conf`).join(' '));
  return sh`nf_exists ${sysDir}
${bootBackendProbe}
nf_file ${`${sysDir}/initstate`} ${`${sysDir}/refcnt`}
nf_exists ${raw(`${sysDir}/holders/*`)}
[ -e ${sysDir} ] || nf_cmd modinfo modinfo -F filename ${module}
${bootListsProbe}
nf_glob ${globs(modprobeConfigDirs)}${
    paramPaths.length > 0
      ? sh`
nf_file ${paramPaths}
nf_stat ${paramPaths}`
      : raw('')
  }`;
}

/** Somewhere below one of `dirs`; runs for every file record of every parse: no string built. */
function underDirs(path: string, dirs: readonly string[]): boolean {
  return dirs.some(
    (dir) => path.length > dir.length + 1 && path.charCodeAt(dir.length) === 47 && path.startsWith(dir),
  );
}

export function parseKernelModuleFacts(records: ProbeRecords, params: KernelModuleParams): KernelModuleFacts {
  const module = normalizeModuleName(params.name);
  const sysDir = `/sys/module/${module}`;
  const initstate = records.files.get(`${sysDir}/initstate`)?.content?.trim();
  let state: KernelModuleFacts['state'] = 'absent';
  if (initstate === 'live' || initstate === 'coming' || initstate === 'going') state = initstate;
  else if (records.existing.has(sysDir)) state = 'builtin';

  const modinfoRecord = records.commands.get('modinfo');
  const backend = detectBootBackend(records);
  const allFiles = [...records.files.values()].filter((file) => file.content !== null);
  const bootLists =
    backend === 'modules-load.d'
      ? allFiles.filter((file) => underDirs(file.path, modulesLoadDirs))
      : backend === 'etc-modules'
        ? allFiles.filter((file) => file.path === '/etc/modules')
        : [];
  const script = records.files.get(sysconfigScriptPath(module));

  const liveParams = new Map<string, { value: string; mode: number | null } | null>();
  for (const key of Object.keys(params.params)) {
    const file = records.files.get(`${sysDir}/parameters/${key}`);
    liveParams.set(
      key,
      file && file.content !== null ? { value: file.content.trim(), mode: file.mode ?? null } : null,
    );
  }

  return {
    module,
    state,
    modinfo: modinfoRecord ? { exitCode: modinfoRecord.exitCode, output: modinfoRecord.output.trim() } : null,
    refcnt: Number(records.files.get(`${sysDir}/refcnt`)?.content?.trim() ?? '0') || 0,
    holders: [...records.existing]
      .filter((path) => path.startsWith(`${sysDir}/holders/`))
      .map((path) => path.slice(`${sysDir}/holders/`.length))
      .filter((holder) => holder !== '*'),
    backend,
    listings: bootListings(records, backend, module),
    bootLists,
    sysconfigScript: script && (script.content !== null || script.mode !== undefined) ? script : null,
    modprobeConfigs: allFiles.filter((file) => underDirs(file.path, modprobeConfigDirs)),
    liveParams,
  };
}
