import { userInfo } from 'node:os';
import type { InputProblem } from '../errors.js';
import {
  locatorIn,
  mergeHostProblems,
  parseYamlSource,
  problemsFromZodIssues,
  readYamlSource,
  sortProblems,
  type YamlSource,
} from '../input/index.js';
import { collectDeclarations, type FileDeclarations } from './collect.js';
import { connectionOf } from './connection.js';
import { buildGraph, type GroupNode } from './graph.js';
import { inventoryFileSchema } from './schema.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';
import { indexByOwner, mergeLayers, typeConflicts, varLayersOf } from './vars.js';

export interface InventoryOptions {
  /** Login user for hosts without `ansible_user`. */
  defaultUser: string;
}

export interface InventoryText {
  file: string;
  text: string;
}

/** Reads the -i files (later files win for variables). Never throws for bad input. */
export function loadInventories(
  files: readonly string[],
  options: InventoryOptions = { defaultUser: currentUser() },
): { inventory: Inventory; problems: InputProblem[] } {
  const read = files.map((file) => readYamlSource(file));
  const sources = read.flatMap((result) => (result.source ? [result.source] : []));
  const built = buildInventory(sources, options);
  return {
    inventory: built.inventory,
    problems: sortProblems([...read.flatMap((r) => r.problems), ...built.problems], files),
  };
}

/** Like ssh: the local login name. userInfo() throws when the uid has no passwd entry (some containers). */
function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'root';
  }
}

/** Same as loadInventories, from text already in memory. */
export function parseInventories(
  texts: readonly InventoryText[],
  options: InventoryOptions,
): { inventory: Inventory; problems: InputProblem[] } {
  const parsed = texts.map(({ file, text }) => parseYamlSource(file, text));
  const built = buildInventory(
    parsed.map((result) => result.source),
    options,
  );
  const files = texts.map(({ file }) => file);
  return {
    inventory: built.inventory,
    problems: sortProblems([...parsed.flatMap((r) => r.problems), ...built.problems], files),
  };
}

function buildInventory(
  sources: readonly YamlSource[],
  options: InventoryOptions,
): { inventory: Inventory; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const declarations: FileDeclarations[] = sources.map((source, fileIndex) => {
    // Unparsable: its problems were reported, and the structure of what parsed is a guess.
    if (source.data === undefined) return { groups: [], hosts: [], vars: [], problems: [] };
    if (source.data === null) {
      problems.push({
        file: source.file,
        line: 1,
        col: 1,
        field: '',
        message: 'empty inventory: expected a mapping of groups, e.g. all: { hosts: { hv1: } }',
      });
      return { groups: [], hosts: [], vars: [], problems: [] };
    }
    const data = source.data;
    const checked = inventoryFileSchema.safeParse(data, { reportInput: true });
    if (!checked.success) {
      problems.push(
        ...problemsFromZodIssues(checked.error.issues, {
          locate: locatorIn(source, []),
          schema: inventoryFileSchema,
          fieldPath: [],
        }),
      );
    }
    return collectDeclarations(source, fileIndex, data);
  });
  problems.push(...declarations.flatMap((file) => file.problems));

  const graph = buildGraph(sources, declarations);
  problems.push(...graph.problems);
  const allVars = declarations.flatMap((file) => file.vars);
  const byOwner = indexByOwner(allVars);

  const hosts = new Map<string, InventoryHost>();
  const conflicts = [];
  for (const [name, direct] of graph.hostGroups) {
    const memberOf = ancestorsOf(direct, graph.groups);
    const layers = varLayersOf(name, memberOf, graph.groups, byOwner);
    conflicts.push(...typeConflicts(name, layers, sources));
    const vars = mergeLayers(layers);
    hosts.set(name, {
      name,
      vars,
      groups: [...memberOf].filter((group) => group !== 'all').sort(),
      connection: connectionOf(name, vars, options.defaultUser),
      source: graph.hostSources.get(name)!,
    });
  }
  problems.push(...mergeHostProblems(conflicts));

  const groups = new Map<string, InventoryGroup>();
  for (const [name, node] of graph.groups) {
    groups.set(name, { ...node, vars: mergeLayers(byOwner.get(`group:${name}`) ?? []) });
  }
  return { inventory: { hosts, groups }, problems };
}

/** The groups a host is in through its direct groups and all their parents, `all` included. */
function ancestorsOf(direct: ReadonlySet<string>, groups: ReadonlyMap<string, GroupNode>): Set<string> {
  const found = new Set<string>();
  const pending = ['all', ...direct];
  while (pending.length > 0) {
    const group = pending.pop()!;
    if (found.has(group)) continue;
    found.add(group);
    pending.push(...(groups.get(group)?.parents ?? []));
  }
  return found;
}
