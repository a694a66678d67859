// Which modprobe.d files kmod reads, in what order, as libkmod-config.c does it (kmod 20-33 and
// modprobe.d(5)): the directories below, in this order; in each, names ending in .conf or .alias
// that do not start with '.'; a name found in an earlier directory hides the same name in later
// ones (so /etc/modprobe.d/foo.conf replaces /usr/lib/modprobe.d/foo.conf, and a link to
// /dev/null masks it); the files left are read sorted by name, whatever their directory. The
// order matters for `install`: modprobe runs the first install command that matches a module.

import { normalizeModuleName } from './modprobe-config.js';

export const modprobeConfigDirs = [
  '/etc/modprobe.d',
  '/run/modprobe.d',
  '/usr/local/lib/modprobe.d',
  '/usr/lib/modprobe.d',
  '/lib/modprobe.d',
] as const;

/** The administrator's directories. The others hold package files, replaced on every update. */
export const adminModprobeDirs: readonly string[] = ['/etc/modprobe.d', '/run/modprobe.d'];

export interface ModprobeDirEntry {
  path: string;
  /** null when the entry is not a regular file: a link to /dev/null, which masks the same name. */
  content: string | null;
}

/** The modprobe.d directory a path sits directly in, or null. */
export function modprobeDirOf(path: string): string | null {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash);
  return (modprobeConfigDirs as readonly string[]).includes(dir) ? dir : null;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function isAdminModprobePath(path: string): boolean {
  const dir = modprobeDirOf(path);
  return dir !== null && adminModprobeDirs.includes(dir);
}

/** kmod skips other names (module-init-tools, RHEL 6, read every file: netfix edits them all). */
export function kmodReadsName(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith('.conf') || name.endsWith('.alias')) && name.length >= 6;
}

/** The entries kmod reads, in its reading order; masks (content null) included, as kmod opens them. */
export function filesKmodReads(entries: readonly ModprobeDirEntry[]): ModprobeDirEntry[] {
  const byName = new Map<string, ModprobeDirEntry>();
  for (const dir of modprobeConfigDirs)
    for (const entry of entries) {
      const name = baseName(entry.path);
      if (modprobeDirOf(entry.path) === dir && kmodReadsName(name) && !byName.has(name))
        byName.set(name, entry);
    }
  // strcmp order, as kmod sorts: compare code units, not the locale.
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
}

/** The physical lines a directive starting at `startLine` spans ('\' continues a line) and its text. */
export function directiveSpan(content: string, startLine: number): { lines: number[]; text: string } {
  const all = content.split('\n');
  const lines = [startLine];
  let text = all[startLine - 1] ?? '';
  // Same joining rule as parseModprobeConfig(), so both agree on where a directive ends.
  while (text.endsWith('\\') && lines.length + startLine - 1 < all.length) {
    const next = startLine + lines.length;
    text = `${text.slice(0, -1)} ${all[next - 1] ?? ''}`;
    lines.push(next);
  }
  return { lines, text: text.trim().replace(/\s+/g, ' ') };
}

/**
 * kmod matches `install` (and `remove`) names with fnmatch(3): `install nf_* /bin/false` covers
 * every nf_ module. Blacklist names are compared as they are. Both sides are normalized first.
 */
export function modulePatternMatches(pattern: string, module: string): boolean {
  const normalized = normalizeModuleName(pattern);
  if (!/[*?[]/.test(normalized)) return normalized === normalizeModuleName(module);
  let source = '';
  for (let index = 0; index < normalized.length; index++) {
    const char = normalized[index]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const close = normalized.indexOf(']', index + 2);
      if (close === -1) source += '\\[';
      else {
        const body = normalized
          .slice(index + 1, close)
          .replace(/^!/, '^')
          .replaceAll('\\', '\\\\');
        source += `[${body}]`;
        index = close;
      }
    } else source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(normalizeModuleName(module));
}
