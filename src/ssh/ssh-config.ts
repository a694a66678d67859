import { matchPatternList } from './known-hosts.js';

// A reader for the part of OpenSSH's client configuration (ssh_config(5)) that decides where and
// as whom netfix connects. Pure, so it is tested on text. As in ssh, the first value obtained for
// a keyword wins (IdentityFile adds up instead), and `Host` lines take `*`, `?` and `!negation`.
// `Include` and `Match` are not followed: they are reported, and a Match block's lines are skipped
// rather than applied to every host. Keywords netfix has no use for are ignored.

export type StrictHostKeyChecking = 'yes' | 'accept-new' | 'no' | 'ask';

export interface SshConfigWarning {
  file: string;
  line: number;
  message: string;
}

interface ConfigLine {
  keyword: string;
  args: string[];
  line: number;
}

interface ConfigBlock {
  /** null for the lines before the first Host, which apply to every host. */
  patterns: string[] | null;
  /** A Match block: never applied, since its conditions are not evaluated. */
  skipped: boolean;
  lines: ConfigLine[];
}

export interface SshConfig {
  file: string;
  blocks: ConfigBlock[];
  warnings: SshConfigWarning[];
}

/** What the config says of one host; every field absent when no block set it. */
export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  /** In the order written, `~` and `%` tokens not yet expanded. */
  identityFiles: string[];
  /** As written: a comma list of `[user@]host[:port]`, or `none`. */
  proxyJump?: string;
  /** Set when the host would need a ProxyCommand, which netfix does not run. */
  proxyCommand?: string;
  userKnownHostsFiles?: string[];
  strictHostKeyChecking?: StrictHostKeyChecking;
  /** file:line of each value taken, for messages ("Port 2222 from ~/.ssh/config:4"). */
  origins: Record<string, string>;
}

export const emptySshConfig: SshConfig = { file: '', blocks: [], warnings: [] };

export function parseSshConfig(text: string, file: string): SshConfig {
  const blocks: ConfigBlock[] = [{ patterns: null, skipped: false, lines: [] }];
  const warnings: SshConfigWarning[] = [];
  const warn = (line: number, message: string) => warnings.push({ file, line, message });
  for (const [index, rawLine] of text.split('\n').entries()) {
    const lineNumber = index + 1;
    const words = splitWords(rawLine);
    if (words === undefined) {
      warn(lineNumber, 'unbalanced quotes; line ignored');
      continue;
    }
    const [keywordWord, ...args] = words;
    if (keywordWord === undefined) continue;
    const keyword = keywordWord.toLowerCase();
    if (keyword === 'host') {
      if (args.length === 0) warn(lineNumber, 'Host without a pattern matches nothing');
      blocks.push({ patterns: args, skipped: false, lines: [] });
      continue;
    }
    if (keyword === 'match') {
      warn(
        lineNumber,
        'Match is not supported: the lines up to the next Host or Match are not applied to any host',
      );
      blocks.push({ patterns: null, skipped: true, lines: [] });
      continue;
    }
    if (keyword === 'include') {
      warn(lineNumber, `Include is not supported: ${args.join(' ')} not read`);
      continue;
    }
    blocks.at(-1)!.lines.push({ keyword, args, line: lineNumber });
  }
  return { file, blocks, warnings };
}

/**
 * OpenSSH's argv_split: words split on blanks, double quotes keep blanks inside, a word that
 * starts with `#` ends the line, and `Keyword=value` is the same as `Keyword value`.
 * undefined when a quote is not closed.
 */
function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  let i = 0;
  let first = true;
  while (i < line.length) {
    while (i < line.length && /[ \t\r]/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    let word = '';
    let quoted = false;
    while (i < line.length) {
      const c = line[i]!;
      if (c === '"') {
        quoted = !quoted;
        i++;
        continue;
      }
      if (!quoted && /[ \t\r]/.test(c)) break;
      // Only the keyword may end at `=`: an argument like `ProxyJump=a` in -o is not split further.
      if (!quoted && first && c === '=') break;
      word += c;
      i++;
    }
    if (quoted) return undefined;
    if (first) {
      while (i < line.length && /[ \t\r]/.test(line[i]!)) i++;
      if (line[i] === '=') i++;
    }
    first = false;
    words.push(word);
  }
  return words;
}

/** Does a Host line's pattern list take this host? A `!pattern` that matches rules it out. */
function blockMatches(block: ConfigBlock, host: string): boolean {
  if (block.skipped) return false;
  if (block.patterns === null) return true;
  return matchPatternList(host.toLowerCase(), block.patterns);
}

const strictValues: Record<string, StrictHostKeyChecking> = {
  yes: 'yes',
  true: 'yes',
  'accept-new': 'accept-new',
  no: 'no',
  false: 'no',
  off: 'no',
  ask: 'ask',
};

/**
 * The settings for `host` (the name as given: the inventory's ansible_host or host name), in
 * file order, first value wins. Values that cannot be used are added to `problems`.
 */
export function sshConfigFor(config: SshConfig, host: string, problems: string[] = []): SshHostConfig {
  const result: SshHostConfig = { identityFiles: [], origins: {} };
  const taken = new Set<string>();
  for (const block of config.blocks) {
    if (!blockMatches(block, host)) continue;
    for (const { keyword, args, line } of block.lines) {
      const at = `${config.file}:${line}`;
      const value = args[0];
      if (value === undefined) continue;
      if (keyword === 'identityfile') {
        result.identityFiles.push(value);
        result.origins.identityfile ??= at;
        continue;
      }
      // ProxyJump and ProxyCommand share one slot: whichever comes first is taken, as in ssh.
      const slot = keyword === 'proxyjump' || keyword === 'proxycommand' ? 'proxy' : keyword;
      if (taken.has(slot)) continue;
      switch (keyword) {
        case 'hostname':
          result.hostName = value;
          break;
        case 'user':
          result.user = value;
          break;
        case 'port': {
          const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : 0;
          if (port < 1 || port > 65535) {
            problems.push(`${at}: Port ${value} is not a port number`);
            continue;
          }
          result.port = port;
          break;
        }
        case 'proxyjump':
          result.proxyJump = value;
          break;
        case 'proxycommand':
          if (value.toLowerCase() !== 'none') result.proxyCommand = args.join(' ');
          break;
        case 'userknownhostsfile':
          result.userKnownHostsFiles = args;
          break;
        case 'stricthostkeychecking': {
          const mode = strictValues[value.toLowerCase()];
          if (!mode) {
            problems.push(`${at}: StrictHostKeyChecking ${value}: expected yes, accept-new, no or ask`);
            continue;
          }
          result.strictHostKeyChecking = mode;
          break;
        }
        default:
          continue;
      }
      taken.add(slot);
      result.origins[keyword] = at;
    }
  }
  return result;
}

export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/**
 * A ProxyJump value: `none` (no hops), or hops `[user@]host[:port]` (or `ssh://[user@]host[:port]`,
 * `[v6addr]:port`) separated by commas, the first hop first.
 */
export function parseJumpList(value: string): { hops: JumpSpec[] } | { error: string } {
  if (value.toLowerCase() === 'none') return { hops: [] };
  const hops: JumpSpec[] = [];
  for (const part of value.split(',')) {
    if (part.trim() === '') return { error: `jump hosts "${value}": an empty hop between commas` };
    const hop = parseJumpHop(part.trim());
    if (typeof hop === 'string') return { error: hop };
    hops.push(hop);
  }
  return { hops };
}

function parseJumpHop(text: string): JumpSpec | string {
  const bare = text.startsWith('ssh://') ? text.slice('ssh://'.length).replace(/\/$/, '') : text;
  const at = bare.lastIndexOf('@');
  const user = at === -1 ? undefined : bare.slice(0, at);
  const hostPort = at === -1 ? bare : bare.slice(at + 1);
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(hostPort);
  const plain = /^([^:[\]]+)(?::([0-9]+))?$/.exec(hostPort);
  const match = bracketed ?? plain;
  if (!match || user === '') return `jump host "${text}": expected [user@]host[:port]`;
  const [, host, portText] = match;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return `jump host "${text}": bad port ${portText}`;
  if (!/^[A-Za-z0-9_.:%-]+$/.test(host!) || host!.startsWith('-'))
    return `jump host "${text}": "${host}" is not a host name or address`;
  if (user !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(user))
    return `jump host "${text}": "${user}" is not a login name`;
  return { host: host!, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

/** The ProxyJump (or -J) value in an ssh argument string such as ansible_ssh_common_args. */
export function proxyJumpInSshArgs(args: string): { proxyJump?: string; unsupported: string[] } {
  const words = args.trim() === '' ? [] : args.trim().split(/\s+/);
  const unsupported: string[] = [];
  let proxyJump: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.replace(/^['"]|['"]$/g, '');
    let option: string | undefined;
    if (word === '-o') option = words[++i]?.replace(/^['"]|['"]$/g, '');
    else if (word.startsWith('-o')) option = word.slice(2);
    else if (word === '-J') proxyJump ??= words[++i];
    else if (word.startsWith('-J')) proxyJump ??= word.slice(2);
    if (option === undefined) continue;
    const [keyword, value] = splitOption(option);
    if (keyword === 'proxyjump' && value) proxyJump ??= value;
    else if (keyword === 'proxycommand') unsupported.push('ProxyCommand');
  }
  return { ...(proxyJump === undefined ? {} : { proxyJump }), unsupported };
}

function splitOption(option: string): [string, string | undefined] {
  const match = /^([A-Za-z]+)\s*[= ]\s*(.*)$/.exec(option);
  return match ? [match[1]!.toLowerCase(), match[2]] : [option.toLowerCase(), undefined];
}
