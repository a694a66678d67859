import { didYouMean } from '../input/index.js';
import type { Inventory } from './types.js';

// Ansible host patterns: `all` / `*`, host and group names, globs (`hv0*`, `*.dc1`),
// `~regex` (matched from the start, like Python's re.match), unions with ':' or ',',
// intersections `:&g` and exclusions `:!g`. As in Ansible, all unions apply first, then
// intersections, then exclusions, whatever order they were written in; a pattern with only
// `&`/`!` terms starts from `all`. Unlike Ansible, the result is always in inventory order.

type Operation = 'union' | 'intersect' | 'exclude';

export interface PatternTerm {
  operation: Operation;
  /** The term without its `&` or `!`. */
  text: string;
}

/** Splits at ':' and ',' outside brackets and braces, so `~hv[0-9]{1,3}` stays one term. */
export function parsePattern(pattern: string): PatternTerm[] {
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of pattern) {
    if ('[{('.includes(char)) depth++;
    if (']})'.includes(char)) depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === ':' || char === ',')) {
      pieces.push(current);
      current = '';
    } else current += char;
  }
  pieces.push(current);
  return pieces
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')
    .map((piece): PatternTerm => {
      if (piece.startsWith('&')) return { operation: 'intersect', text: piece.slice(1) };
      if (piece.startsWith('!')) return { operation: 'exclude', text: piece.slice(1) };
      return { operation: 'union', text: piece };
    });
}

export function selectHosts(inventory: Inventory, pattern: string): { hosts: string[]; problems: string[] } {
  const terms = parsePattern(pattern);
  if (terms.length === 0) return { hosts: [], problems: [`empty host pattern '${pattern}'`] };
  const problems: string[] = [];
  const hostsOfGroup = membersByGroup(inventory);
  const byOperation = (operation: Operation) => terms.filter((term) => term.operation === operation);
  const unions = byOperation('union');
  const ordered = [
    ...(unions.length > 0 ? unions : [{ operation: 'union', text: 'all' } as const]),
    ...byOperation('intersect'),
    ...byOperation('exclude'),
  ];

  let selected = new Set<string>();
  for (const term of ordered) {
    const matched = matchTerm(inventory, hostsOfGroup, term.text);
    if ('error' in matched) {
      problems.push(matched.error);
      continue;
    }
    if (matched.hosts.size === 0) problems.push(noMatch(inventory, term.text));
    if (term.operation === 'union') selected = new Set([...selected, ...matched.hosts]);
    if (term.operation === 'intersect')
      selected = new Set([...selected].filter((host) => matched.hosts.has(host)));
    if (term.operation === 'exclude')
      selected = new Set([...selected].filter((host) => !matched.hosts.has(host)));
  }
  const hosts = [...inventory.hosts.keys()].filter((host) => selected.has(host));
  return { hosts, problems };
}

function membersByGroup(inventory: Inventory): Map<string, Set<string>> {
  const members = new Map<string, Set<string>>();
  for (const host of inventory.hosts.values()) {
    for (const group of ['all', ...host.groups]) {
      const set = members.get(group) ?? new Set<string>();
      set.add(host.name);
      members.set(group, set);
    }
  }
  return members;
}

/**
 * Ansible's rule: a plain host name is itself; otherwise groups whose name matches contribute
 * their hosts, and host names are matched too when no group matched or the term is a glob or
 * regex (so `web*` takes both `web` groups and `web01`).
 */
function matchTerm(
  inventory: Inventory,
  hostsOfGroup: ReadonlyMap<string, ReadonlySet<string>>,
  term: string,
): { hosts: Set<string> } | { error: string } {
  if (term === 'all' || term === '*') return { hosts: new Set(inventory.hosts.keys()) };
  if (inventory.hosts.has(term)) return { hosts: new Set([term]) };
  const matcher = matcherFor(term);
  if ('error' in matcher) return matcher;
  const hosts = new Set<string>();
  const groups = [...inventory.groups.keys()].filter((group) => matcher.test(group));
  for (const group of groups) for (const host of hostsOfGroup.get(group) ?? []) hosts.add(host);
  if (groups.length === 0 || term.startsWith('~') || /[.?*[]/.test(term)) {
    for (const host of inventory.hosts.keys()) if (matcher.test(host)) hosts.add(host);
  }
  return { hosts };
}

function matcherFor(term: string): RegExp | { error: string } {
  const source = term.startsWith('~') ? `^(?:${term.slice(1)})` : `^${globToRegex(term)}$`;
  try {
    return new RegExp(source);
  } catch (error) {
    return { error: `invalid pattern '${term}': ${(error as Error).message}` };
  }
}

/** fnmatch's syntax: `*`, `?`, `[abc]`, `[!abc]`; everything else literal; case-sensitive. */
export function globToRegex(glob: string): string {
  let out = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '*') out += '.*';
    else if (char === '?') out += '.';
    else if (char === '[') {
      const close = glob.indexOf(']', index + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(index + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replaceAll('\\', '\\\\')}]`;
      index = close;
    } else out += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

function noMatch(inventory: Inventory, term: string): string {
  const names = [...inventory.groups.keys(), ...inventory.hosts.keys()];
  const hint = /^[A-Za-z0-9_.-]+$/.test(term) ? didYouMean(term, names) : '';
  return `'${term}' matches no host or group${hint}`;
}
