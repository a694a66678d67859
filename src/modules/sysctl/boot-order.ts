import type { BootBackend } from '../shared/boot-modules.js';
import { etcSysctlConf, parseSysctlConf, sysctlDirs } from '../shared/sysctl-config.js';

// Which file sets a key at boot: the order each init system applies sysctl files in, so that a
// later file shadowing the value can be named (file:line) instead of found after a reboot.
//
// - systemd-sysctl: every *.conf in the sysctl.d dirs; a name in an earlier dir masks the same
//   name in later ones (an empty or /dev/null file masks too); files applied by name; a later
//   assignment wins. It does not read /etc/sysctl.conf: distributions link
//   /etc/sysctl.d/99-sysctl.conf to it, so it takes effect at that name's place.
// - Debian sysvinit, `sysctl --system` (procps): the same, then /etc/sysctl.conf last.
// - RHEL 6 rc.sysinit: /etc/sysctl.conf first, then /etc/sysctl.d/*.conf by name.

/** A sysctl file as the probe saw it. */
export interface ConfigFile {
  path: string;
  /** null: the name exists but is not a readable regular file (a /dev/null mask). */
  content: string | null;
  /** Set on /etc/sysctl.d/99-sysctl.conf when it holds /etc/sysctl.conf (the distributions' link). */
  aliasOf?: string;
}

export interface BootFile {
  path: string;
  content: string;
  aliasOf?: string;
}

export interface BootSetting {
  file: string;
  line: number;
  value: string;
  aliasOf?: string;
}

/** What applies sysctl files at boot, for messages. */
export function bootSysctlStep(backend: BootBackend): string {
  switch (backend) {
    case 'modules-load.d':
      return 'systemd-sysctl';
    case 'etc-modules':
      return 'the procps init script (sysctl --system)';
    case 'sysconfig-modules':
      return "rc.sysinit's apply_sysctl";
  }
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const dirName = (path: string) => path.slice(0, path.lastIndexOf('/'));
const byName = (a: BootFile, b: BootFile) => compareBytes(baseName(a.path), baseName(b.path));

// systemd and procps sort with strcmp(); code-unit order is the same for the ASCII names here.
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The sysctl.d files applied, in order, after same-name masking; masks themselves set nothing. */
function sysctlDFiles(files: ConfigFile[], dirs: readonly string[]): BootFile[] {
  const byBase = new Map<string, ConfigFile>();
  for (const dir of dirs)
    for (const file of files)
      if (dirName(file.path) === dir && file.path.endsWith('.conf') && !byBase.has(baseName(file.path)))
        byBase.set(baseName(file.path), file);
  return [...byBase.values()].filter((file): file is BootFile => file.content !== null).sort(byName);
}

/** Every file the boot applies, first to last. */
export function bootFiles(backend: BootBackend, files: ConfigFile[]): BootFile[] {
  const etcConf = files.find(
    (file): file is BootFile => file.path === etcSysctlConf && file.content !== null,
  );
  switch (backend) {
    case 'modules-load.d':
      return sysctlDFiles(files, sysctlDirs);
    case 'etc-modules':
      return [...sysctlDFiles(files, sysctlDirs), ...(etcConf ? [etcConf] : [])];
    case 'sysconfig-modules':
      return [...(etcConf ? [etcConf] : []), ...sysctlDFiles(files, ['/etc/sysctl.d'])];
  }
}

/** Every assignment of the key at boot, in the order applied: the last one wins. */
export function bootSettings(keyPath: string, files: BootFile[]): BootSetting[] {
  return files.flatMap((file) =>
    parseSysctlConf(file.content)
      .filter((assignment) => assignment.key === keyPath)
      .map((assignment) => ({
        file: file.path,
        line: assignment.line,
        value: assignment.value,
        ...(file.aliasOf ? { aliasOf: file.aliasOf } : {}),
      })),
  );
}

/** Whether a boot file (or a setting) is the given file, directly or through the 99-sysctl.conf link. */
export function isFile(entry: { path?: string; file?: string; aliasOf?: string }, path: string): boolean {
  return (entry.path ?? entry.file) === path || entry.aliasOf === path;
}

/** `file:line` for a person, naming the file to edit when it was read through the link. */
export function describeSetting(setting: BootSetting): string {
  return setting.aliasOf
    ? `${setting.aliasOf}:${setting.line} (read as ${setting.file})`
    : `${setting.file}:${setting.line}`;
}

/** The files with one file's content replaced (as it will be after a write), link included. */
export function withContent(files: ConfigFile[], path: string, content: string | null): ConfigFile[] {
  const others = files.filter((file) => file.path !== path);
  const replaced = others.map((file) => (file.aliasOf === path ? { ...file, content } : file));
  return content === null ? replaced : [...replaced, { path, content }];
}
