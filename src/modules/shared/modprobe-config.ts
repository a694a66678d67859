// Pure readers for kmod's configuration files (modprobe.d(5)) and boot module lists
// (modules-load.d(5), Debian's /etc/modules). kmod treats '-' and '_' in module names alike.

import { memoByText } from './memo-text.js';

export function normalizeModuleName(name: string): string {
  return name.replaceAll('-', '_');
}

export interface ModprobeDirective {
  file: string;
  /** 1-based line number in that file. */
  line: number;
  keyword: 'blacklist' | 'install' | 'remove' | 'options' | 'alias' | 'softdep';
  module: string;
  /** The rest of the line after the module name (install command, options). */
  rest: string;
}

/** Every directive in modprobe.d files. Continuation lines ("\" at the end) are joined. */
export function parseModprobeConfig(file: string, content: string): ModprobeDirective[] {
  const directives: ModprobeDirective[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const startLine = index + 1;
    let text = lines[index] ?? '';
    while (text.endsWith('\\') && index + 1 < lines.length) {
      index++;
      text = `${text.slice(0, -1)} ${lines[index] ?? ''}`;
    }
    const words = text.trim().split(/\s+/);
    const keyword = words[0];
    if (!keyword || keyword.startsWith('#')) continue;
    if (!['blacklist', 'install', 'remove', 'options', 'alias', 'softdep'].includes(keyword)) continue;
    const module = words[keyword === 'alias' ? 2 : 1];
    if (!module) continue;
    directives.push({
      file,
      line: startLine,
      keyword: keyword as ModprobeDirective['keyword'],
      module: normalizeModuleName(module),
      rest: words.slice(keyword === 'alias' ? 3 : 2).join(' '),
    });
  }
  return directives;
}

/** Module names listed in a modules-load.d file or /etc/modules ('#' and ';' start comments). */
export const parseModuleList: (content: string) => readonly { module: string; line: number }[] = memoByText(
  64,
  (content) => {
    const listed: { module: string; line: number }[] = [];
    content.split('\n').forEach((text, index) => {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
      const first = trimmed.split(/\s+/)[0];
      if (first) listed.push({ module: normalizeModuleName(first), line: index + 1 });
    });
    return listed;
  },
);

/** `k=v k2=v2` from an options line. Values with quotes are kept as written. */
export function parseOptions(rest: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const word of rest.split(/\s+/)) {
    if (!word) continue;
    const eq = word.indexOf('=');
    if (eq === -1) options.set(word, '');
    else options.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return options;
}
