import type { InputProblem } from '../errors.js';

export interface HostProblem {
  host: string;
  problem: InputProblem;
}

const hostsShown = 3;

/**
 * The same template fails the same way on many hosts: say it once, with the hosts it failed on
 * ("undefined variable 'mod' (on 12 hosts: hv001, hv002, hv003, …)"). Hosts keep their order.
 */
export function mergeHostProblems(hostProblems: readonly HostProblem[]): InputProblem[] {
  const byKey = new Map<string, { problem: InputProblem; hosts: string[] }>();
  for (const { host, problem } of hostProblems) {
    const key = JSON.stringify([problem.file, problem.line, problem.col, problem.field, problem.message]);
    const entry = byKey.get(key) ?? { problem, hosts: [] };
    if (!entry.hosts.includes(host)) entry.hosts.push(host);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ problem, hosts }) => ({
    ...problem,
    message: `${problem.message} ${onHosts(hosts)}`,
  }));
}

function onHosts(hosts: readonly string[]): string {
  if (hosts.length === 1) return `(on host ${hosts[0]})`;
  const shown = hosts.slice(0, hostsShown).join(', ');
  return `(on ${hosts.length} hosts: ${shown}${hosts.length > hostsShown ? ', …' : ''})`;
}

/** Problems in reading order: by file as given, then line and column; exact repeats dropped. */
export function sortProblems(
  problems: readonly InputProblem[],
  fileOrder: readonly string[] = [],
): InputProblem[] {
  const rank = (file: string) => {
    const index = fileOrder.indexOf(file);
    return index === -1 ? fileOrder.length : index;
  };
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line || a.col - b.col)
    .filter((problem) => {
      const key = JSON.stringify(problem);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
