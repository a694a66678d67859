// Pure readers for sysctl keys and sysctl.d(5) files, as systemd-sysctl and procps read them.

import { memoByText } from './memo-text.js';

/** Where sysctl.d files live, highest priority first: a name here masks the same name further down. */
export const sysctlDirs = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
] as const;
export const etcSysctlConf = '/etc/sysctl.conf';

/**
 * A key as a path below /proc/sys, the one form keys are compared in. sysctl.d(5): when the first
 * separator is a dot, dots and slashes swap; when it is a slash, the key is already a path (so
 * `net/ipv4/conf/eth0.200/forwarding` keeps the dot in the interface name). Repeated and leading
 * slashes collapse, as systemd's path_simplify() does.
 */
export function sysctlKeyPath(key: string): string {
  const trimmed = key.trim();
  const firstSeparator = /[./]/.exec(trimmed)?.[0];
  const path = firstSeparator === '.' ? swapSeparators(trimmed) : trimmed;
  return path
    .split('/')
    .filter((part) => part !== '')
    .join('/');
}

/** True when every level of the key is a name: no empty, '.' or '..' level (no way out of /proc/sys). */
export function isPlainSysctlKey(key: string): boolean {
  const firstSeparator = /[./]/.exec(key)?.[0];
  const levels = (firstSeparator === '.' ? swapSeparators(key) : key).split('/');
  return levels.length >= 2 && levels.every((level) => level !== '' && level !== '.' && level !== '..');
}

/**
 * How a key is shown and written: dotted, unless a level holds a dot itself (a VLAN interface
 * name), where the slashed form is the only spelling every sysctl reader takes the same way.
 */
export function sysctlKeyName(path: string): string {
  return path.split('/').some((part) => part.includes('.')) ? path : swapSeparators(path);
}

function swapSeparators(text: string): string {
  return text.replace(/[./]/g, (separator) => (separator === '.' ? '/' : '.'));
}

/** Values compare with whitespace runs collapsed: the kernel prints tabs between fields. */
export function normalizeSysctlValue(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}

export interface SysctlAssignment {
  /** 1-based line number. */
  line: number;
  /** The key as a /proc/sys path (see sysctlKeyPath). */
  key: string;
  /** Whitespace-normalised value. */
  value: string;
  /** A leading '-': systemd-sysctl ignores a failure to set it. */
  ignoreErrors: boolean;
}

/**
 * Every `key = value` line. Comments start with '#' or ';' after leading whitespace; lines without
 * '=' set nothing (`-key` alone only excludes a key from a glob). Glob keys (`net.ipv4.conf.*.x`)
 * are returned as written and so never equal a plain key: see the module's README caveats.
 */
export const parseSysctlConf: (content: string) => readonly SysctlAssignment[] = memoByText(64, (content) => {
  const assignments: SysctlAssignment[] = [];
  content.split('\n').forEach((text, index) => {
    let trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const ignoreErrors = trimmed.startsWith('-');
    if (ignoreErrors) trimmed = trimmed.slice(1);
    const eq = trimmed.indexOf('=');
    if (eq === -1) return;
    const key = sysctlKeyPath(trimmed.slice(0, eq));
    if (key === '') return;
    assignments.push({
      line: index + 1,
      key,
      value: normalizeSysctlValue(trimmed.slice(eq + 1)),
      ignoreErrors,
    });
  });
  return assignments;
});
