import { homedir } from 'node:os';
import type { HostWork } from '../engine/index.js';
import { InputError, type InputProblem } from '../errors.js';
import { sortProblems } from '../input/index.js';
import { defaultedConnectionFields, loadInventories } from '../inventory/index.js';
import { moduleRegistry } from '../modules/index.js';
import { loadPlaybooks, resolvePlays } from '../playbook/index.js';
import { parseExtraVars } from './options.js';

export interface RunInputArgs {
  inventories: readonly string[];
  playbooks: readonly string[];
  limit?: string | undefined;
  extraVars: readonly string[];
  /** `--secret-vars`: variables whose values every output must hide. */
  secretVars?: readonly string[] | undefined;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/**
 * Inventories and playbooks to the engine's per-host work. Every problem of every file is
 * collected first; any problem throws one InputError and no host is contacted.
 */
export function loadRunInput(args: RunInputArgs): HostWork[] {
  const problems: InputProblem[] = [];
  const extra = parseExtraVars(args.extraVars);
  problems.push(
    ...extra.errors.map((message) => ({ file: '--extra-vars', line: 0, col: 0, field: '', message })),
  );
  const { inventory, problems: inventoryProblems } = loadInventories(args.inventories);
  const { playbooks, problems: playbookProblems } = loadPlaybooks(args.playbooks);
  problems.push(...inventoryProblems, ...playbookProblems);
  // Render what did load even when something else did not, so that one run reports every error;
  // but an inventory that yielded no host because it is broken would make every play's pattern
  // "match no host", an echo of its own errors.
  const inventoryBroken = inventory.hosts.size === 0 && inventoryProblems.length > 0;
  const resolution = resolvePlays(inventoryBroken ? [] : playbooks, inventory, {
    extraVars: extra.vars,
    ...(args.limit === undefined || inventoryBroken ? {} : { limit: args.limit }),
  });
  problems.push(...resolution.problems);
  const secrets = secretValuesByHost(args.secretVars ?? [], resolution.tasksByHost, {
    hostVars: (host) => inventory.hosts.get(host)?.vars ?? {},
    playVars: new Map(playbooks.flatMap((playbook) => playbook.plays.map((play) => [play.id, play.vars]))),
    extraVars: extra.vars,
  });
  problems.push(...secrets.problems);
  if (problems.length > 0)
    throw new InputError(
      sortProblems(problems, [
        '--extra-vars',
        '--limit',
        '--secret-vars',
        ...args.inventories,
        ...args.playbooks,
      ]),
    );

  const work: HostWork[] = [];
  for (const [hostName, plays] of resolution.tasksByHost) {
    const host = inventory.hosts.get(hostName);
    if (!host || plays.length === 0) continue;
    const toTask = (task: (typeof plays)[number]['tasks'][number]) => {
      const module = moduleRegistry.get(task.module);
      // The loader only accepts registered modules, so a miss here is a bug, not bad input.
      if (!module) throw new Error(`module ${task.module} vanished from the registry`);
      return {
        name: task.name,
        module,
        params: task.params,
        notify: task.notify,
        timeoutSec: task.timeoutSec,
        source: `${task.source.file}:${task.source.line}:${task.source.col}`,
        noLog: task.noLog,
      };
    };
    work.push({
      name: hostName,
      target: {
        name: hostName,
        address: host.connection.address,
        port: host.connection.port,
        user: host.connection.user,
        privateKeyFile: host.connection.privateKeyFile
          ? expandHome(host.connection.privateKeyFile)
          : undefined,
        proxyJump: host.connection.proxyJump,
        defaulted: defaultedConnectionFields(host.vars),
      },
      plays: plays.map((play) => ({
        id: play.playId,
        name: play.name,
        rollout: play.rollout,
        become: play.become ? { user: play.becomeUser } : undefined,
        tasks: play.tasks.map(toTask),
        handlers: play.handlers.map(toTask),
      })),
      secretValues: secrets.byHost.get(hostName) ?? [],
    });
  }
  return work;
}

/**
 * `--secret-vars`: the value each named variable has on each host, with the precedence of
 * rendering (inventory, then play vars, then -e), to be hidden in every output.
 */
function secretValuesByHost(
  names: readonly string[],
  playsByHost: ReadonlyMap<string, readonly { playId: string }[]>,
  vars: {
    hostVars: (host: string) => Record<string, unknown>;
    playVars: ReadonlyMap<string, Record<string, unknown>>;
    extraVars: Record<string, string>;
  },
): { byHost: Map<string, string[]>; problems: InputProblem[] } {
  const byHost = new Map<string, string[]>();
  const defined = new Set<string>();
  for (const [host, plays] of playsByHost) {
    const values = new Set<string>();
    for (const play of plays) {
      const context = { ...vars.hostVars(host), ...vars.playVars.get(play.playId), ...vars.extraVars };
      for (const name of names)
        if (Object.hasOwn(context, name)) {
          defined.add(name);
          for (const value of scalarsIn(context[name])) values.add(value);
        }
    }
    byHost.set(host, [...values]);
  }
  // A misspelt name would protect nothing while the operator believes it does.
  const problems = names
    .filter((name) => !defined.has(name) && playsByHost.size > 0)
    .map((name) => ({
      file: '--secret-vars',
      line: 0,
      col: 0,
      field: '',
      message: `'${name}' is not a variable of any selected host, play or -e`,
    }));
  return { byHost, problems };
}

/** Every scalar of a value as a template would print it: a mapping's or list's leaves too. */
function scalarsIn(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'object') return Object.values(value).flatMap(scalarsIn);
  return [String(value)];
}
