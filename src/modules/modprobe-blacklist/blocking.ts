// What stops a module from loading, read from modprobe.d files and the kernel command line. Pure,
// so that a `diagnose` command can ask it about a whole dependency chain (incident 3: the
// blacklisted nf_conntrack_ipv4 broke iptable_nat -> nf_nat -> nf_conntrack on a 3.10 kernel).

import { normalizeModuleName, parseModprobeConfig } from '../shared/modprobe-config.js';
import {
  directiveSpan,
  filesKmodReads,
  isAdminModprobePath,
  type ModprobeDirEntry,
  modulePatternMatches,
} from '../shared/modprobe-files.js';

/**
 * `alias-loads`: kmod skips the module when it is reached through an alias (udev's modalias,
 * the kernel's own request_module("nf_conntrack-2")), but `modprobe NAME` and loads as a
 * dependency still work (kernel-facts.md). `all-loads`: nothing loads it.
 */
export type BlockEffect = 'alias-loads' | 'all-loads';

export interface BlockingDirective {
  /** The blocked module, normalized. */
  module: string;
  /** The file, or /proc/cmdline for the boot command line. */
  file: string;
  /** 1-based; where the directive starts when '\' continues it. */
  line: number;
  /** The directive as written, continuation lines joined. */
  text: string;
  effect: BlockEffect;
  /** In /etc/modprobe.d or /run/modprobe.d, where netfix edits; package files and the boot line are not. */
  editable: boolean;
}

/** A blacklist or install line that kmod reads, in kmod's reading order. */
export interface ReadDirective {
  keyword: 'blacklist' | 'install';
  /** Normalized; for install a fnmatch pattern. */
  module: string;
  /** install's command (whitespace collapsed); '' for blacklist. */
  command: string;
  file: string;
  line: number;
  text: string;
  editable: boolean;
}

// Commands that return without inserting anything: /bin/false fails the load, /bin/true makes it
// "succeed" with nothing loaded (so whatever needs the module fails later). Anything with shell
// operators may still load the module (`/bin/true && modprobe --ignore-install x`): not counted.
const noopCommands = new Set([
  '/bin/false',
  '/usr/bin/false',
  'false',
  '/bin/true',
  '/usr/bin/true',
  'true',
  ':',
  'exit',
]);

export function isNoopInstall(command: string): boolean {
  const trimmed = command.trim();
  if (/[;&|`<>()]/.test(trimmed)) return false;
  return noopCommands.has(trimmed.split(/\s+/)[0] ?? '');
}

/** Every blacklist and install directive kmod reads, in its order (the first install of a module wins). */
export function kmodDirectives(entries: readonly ModprobeDirEntry[]): ReadDirective[] {
  return filesKmodReads(entries).flatMap((entry) => {
    const content = entry.content;
    if (content === null) return [];
    return parseModprobeConfig(entry.path, content).flatMap((directive): ReadDirective[] =>
      directive.keyword === 'blacklist' || directive.keyword === 'install'
        ? [
            {
              keyword: directive.keyword,
              module: directive.module,
              command: directive.keyword === 'install' ? directive.rest : '',
              file: entry.path,
              line: directive.line,
              text: directiveSpan(content, directive.line).text,
              editable: isAdminModprobePath(entry.path),
            },
          ]
        : [],
    );
  });
}

/** The install command modprobe runs instead of inserting the module, if any: the first that matches. */
export function firstInstall(directives: readonly ReadDirective[], module: string): ReadDirective | null {
  return (
    directives.find(
      (directive) => directive.keyword === 'install' && modulePatternMatches(directive.module, module),
    ) ?? null
  );
}

/**
 * `modprobe.blacklist=a,b` (kmod adds these to its blacklist) and `module_blacklist=a,b` (the
 * kernel itself refuses to load them, by name too) on the boot command line.
 */
export function cmdlineBlocks(cmdline: string): { module: string; text: string; effect: BlockEffect }[] {
  return cmdline
    .trim()
    .split(/\s+/)
    .flatMap((word) => {
      const match = /^(modprobe\.blacklist|module[_-]blacklist)=(.*)$/.exec(word.replaceAll('"', ''));
      if (!match) return [];
      const effect: BlockEffect = match[1] === 'modprobe.blacklist' ? 'alias-loads' : 'all-loads';
      return match[2]!
        .split(',')
        .filter((name) => name !== '')
        .map((name) => ({ module: normalizeModuleName(name), text: word, effect }));
    });
}

/**
 * Every directive that blocks one of `chain` (e.g. ['iptable_nat', 'nf_nat', 'nf_conntrack',
 * 'nf_conntrack_ipv4']), in chain order: blacklist lines, then the module's first install command
 * when it loads nothing, then the boot command line. Only what kmod reads counts: a file masked by
 * a file of the same name in an earlier directory, a name kmod skips, and an install command that
 * comes after another one for the same module block nothing.
 */
export function blockingDirectives(
  entries: readonly ModprobeDirEntry[],
  chain: readonly string[],
  kernelCmdline: string | null = null,
): BlockingDirective[] {
  const directives = kmodDirectives(entries);
  const fromCmdline = kernelCmdline === null ? [] : cmdlineBlocks(kernelCmdline);
  return [...new Set(chain.map(normalizeModuleName))].flatMap((module) => {
    const blocks: BlockingDirective[] = directives
      .filter((directive) => directive.keyword === 'blacklist' && directive.module === module)
      .map((directive) => placed(module, directive, 'alias-loads'));
    const install = firstInstall(directives, module);
    if (install && isNoopInstall(install.command)) blocks.push(placed(module, install, 'all-loads'));
    for (const block of fromCmdline.filter((entry) => entry.module === module))
      blocks.push({
        module,
        file: '/proc/cmdline',
        line: 1,
        text: block.text,
        effect: block.effect,
        editable: false,
      });
    return blocks;
  });
}

function placed(module: string, directive: ReadDirective, effect: BlockEffect): BlockingDirective {
  const { file, line, text, editable } = directive;
  return { module, file, line, text, effect, editable };
}
