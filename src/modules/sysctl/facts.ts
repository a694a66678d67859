import { joinSh, raw, type Sh, sh } from '../../shell/index.js';
import { type BootBackend, bootBackendProbe, detectBootBackend } from '../shared/boot-modules.js';
import type { ProbeRecords } from '../shared/probe-records.js';
import {
  etcSysctlConf,
  normalizeSysctlValue,
  sysctlDirs,
  sysctlKeyName,
  sysctlKeyPath,
} from '../shared/sysctl-config.js';
import type { ConfigFile } from './boot-order.js';
import type { SysctlParams } from './params.js';
import { type ProviderFacts, parseProvider, providerCandidates, providerProbe } from './provider.js';

export interface SysctlKey {
  /** Below /proc/sys, slashed: the form keys compare in. */
  path: string;
  /** As shown and written to files (dotted unless a level holds a dot). */
  name: string;
  /** /proc/sys/<path>. */
  procPath: string;
}

export type LiveValue =
  /** Whitespace-normalised. */
  | { kind: 'value'; value: string }
  | { kind: 'missing' }
  /** The path exists but is not a readable file: a directory (not a key) or a write-only key. */
  | { kind: 'unreadable' };

export interface SysctlFacts {
  key: SysctlKey;
  live: LiveValue;
  backend: BootBackend;
  /** Every sysctl.d *.conf name that exists, and /etc/sysctl.conf when it exists. */
  configFiles: ConfigFile[];
  /** The module that creates the key, when one is known (net.bridge.*, nf_conntrack). */
  provider: ProviderFacts | null;
}

export function sysctlKey(name: string): SysctlKey {
  const path = sysctlKeyPath(name);
  return { path, name: sysctlKeyName(path), procPath: `/proc/sys/${path}` };
}

/**
 * One cheap script: no sysctl process (it would run on every host, every run). Reads the live
 * value, every sysctl file the boot may apply, and for keys that a module provides, the module's
 * state and boot lists. nf_exists on the globs as well as nf_glob: a name that exists but is not a
 * regular file (a symlink to /dev/null) still masks the same name in later directories.
 */
export function probeSysctl(params: SysctlParams): Sh {
  const key = sysctlKey(params.name);
  const globs = raw(sysctlDirs.map((dir) => `${dir}/*.conf`).join(' '));
  const candidates = providerCandidates(key.name);
  return joinSh([
    sh`${bootBackendProbe} ${key.procPath}`,
    sh`nf_file ${key.procPath}`,
    sh`nf_exists ${globs}`,
    sh`nf_glob ${globs} ${etcSysctlConf}`,
    ...(candidates.length > 0 ? [providerProbe(candidates)] : []),
  ]);
}

function isSysctlFile(path: string): boolean {
  if (path === etcSysctlConf) return true;
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  return (
    (sysctlDirs as readonly string[]).includes(path.slice(0, slash)) &&
    name.endsWith('.conf') &&
    name !== '*.conf'
  );
}

function parseConfigFiles(records: ProbeRecords): ConfigFile[] {
  const paths = new Set(
    [
      ...records.existing,
      ...[...records.files.values()].filter((f) => f.content !== null).map((f) => f.path),
    ].filter(isSysctlFile),
  );
  const etcConf = records.files.get(etcSysctlConf)?.content ?? null;
  return [...paths].sort().map((path) => {
    const content = records.files.get(path)?.content ?? null;
    // Debian, RHEL and Fedora ship /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf. The probe sees
    // its content, not the link; the same name with the same bytes is taken for the link.
    const isLink = path === '/etc/sysctl.d/99-sysctl.conf' && content !== null && content === etcConf;
    return { path, content, ...(isLink ? { aliasOf: etcSysctlConf } : {}) };
  });
}

function parseLive(records: ProbeRecords, procPath: string): LiveValue {
  const content = records.files.get(procPath)?.content;
  if (content !== null && content !== undefined)
    return { kind: 'value', value: normalizeSysctlValue(content) };
  return records.existing.has(procPath) ? { kind: 'unreadable' } : { kind: 'missing' };
}

export function parseSysctlFacts(records: ProbeRecords, params: SysctlParams): SysctlFacts {
  const key = sysctlKey(params.name);
  const live = parseLive(records, key.procPath);
  const backend = detectBootBackend(records);
  return {
    key,
    live,
    backend,
    configFiles: parseConfigFiles(records),
    provider: parseProvider(records, backend, providerCandidates(key.name), live.kind !== 'missing'),
  };
}
