import type { InputProblem } from '../errors.js';
import {
  formatFieldPath,
  locate,
  positionText,
  type SourcePosition,
  type YamlSource,
} from '../input/index.js';
import type { Declared, FileDeclarations } from './collect.js';
import type { InventoryGroup } from './types.js';

export type GroupNode = Omit<InventoryGroup, 'vars'>;

export interface InventoryGraph {
  groups: Map<string, GroupNode>;
  /** Host name to the groups it is listed in directly, in inventory order of the hosts. */
  hostGroups: Map<string, Set<string>>;
  hostSources: Map<string, SourcePosition>;
  problems: InputProblem[];
}

/** Groups and hosts of all files together: the same group in two files is one group. */
export function buildGraph(
  sources: readonly YamlSource[],
  files: readonly FileDeclarations[],
): InventoryGraph {
  const where = (declared: Declared) => locate(sources[declared.fileIndex]!, declared.path, { key: true });
  const field = (declared: Declared) => formatFieldPath(declared.path);
  const problems: InputProblem[] = [];
  const groups = new Map<string, GroupNode>();
  const groupSources = new Map<string, SourcePosition>();
  const edgeDeclarations = new Map<string, Declared>();
  const groupNode = (name: string): GroupNode => {
    const existing = groups.get(name);
    if (existing) return existing;
    const created = {
      name,
      hosts: new Set<string>(),
      children: new Set<string>(),
      parents: new Set<string>(),
      depth: 0,
    };
    groups.set(name, created);
    return created;
  };
  groupNode('all');
  groupNode('ungrouped');

  for (const declaration of files.flatMap((file) => file.groups)) {
    groupNode(declaration.name);
    if (!groupSources.has(declaration.name)) groupSources.set(declaration.name, where(declaration));
    if (declaration.parent === undefined) continue;
    if (declaration.name === 'all') {
      problems.push({
        ...where(declaration),
        field: field(declaration),
        message: `'all' contains every group and cannot be a child`,
      });
      continue;
    }
    groupNode(declaration.parent).children.add(declaration.name);
    groupNode(declaration.name).parents.add(declaration.parent);
    const edge = `${declaration.parent}>${declaration.name}`;
    if (!edgeDeclarations.has(edge)) edgeDeclarations.set(edge, declaration);
  }

  const hostGroups = new Map<string, Set<string>>();
  const hostSources = new Map<string, SourcePosition>();
  for (const declaration of files.flatMap((file) => file.hosts)) {
    groupNode(declaration.group).hosts.add(declaration.name);
    const direct = hostGroups.get(declaration.name) ?? new Set<string>();
    direct.add(declaration.group);
    hostGroups.set(declaration.name, direct);
    if (!hostSources.has(declaration.name)) {
      hostSources.set(declaration.name, where(declaration));
      const clash = groupSources.get(declaration.name);
      if (clash || groups.has(declaration.name)) {
        const here = where(declaration);
        const at = clash ? ` at ${positionText(clash, here.file)}` : '';
        problems.push({
          ...here,
          field: field(declaration),
          message: `'${declaration.name}' is both a host and a group${at}: rename one (a pattern could not tell them apart)`,
        });
      }
    }
  }

  // As in Ansible: a host listed only under `all` is in `ungrouped`.
  for (const [host, direct] of hostGroups) {
    if ([...direct].every((group) => group === 'all' || group === 'ungrouped')) {
      groupNode('ungrouped').hosts.add(host);
      direct.add('ungrouped');
    }
  }
  groupNode('all').children.add('ungrouped');
  groupNode('ungrouped').parents.add('all');

  problems.push(...findCycles(groups, edgeDeclarations, where, field));
  assignDepths(groups);
  return { groups, hostGroups, hostSources, problems };
}

function findCycles(
  groups: ReadonlyMap<string, GroupNode>,
  edgeDeclarations: ReadonlyMap<string, Declared>,
  where: (declared: Declared) => SourcePosition,
  field: (declared: Declared) => string,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const done = new Set<string>();
  const reported = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string) => {
    stack.push(name);
    for (const child of groups.get(name)?.children ?? []) {
      const open = stack.indexOf(child);
      if (open !== -1) {
        const cycle = [...stack.slice(open), child];
        const key = [...new Set(cycle)].sort().join(',');
        const declaration = edgeDeclarations.get(`${name}>${child}`);
        if (!reported.has(key) && declaration) {
          reported.add(key);
          problems.push({
            ...where(declaration),
            field: field(declaration),
            message: `cyclic children: ${cycle.join(' -> ')}`,
          });
        }
      } else if (!done.has(child)) visit(child);
    }
    stack.pop();
    done.add(name);
  };
  for (const name of groups.keys()) if (!done.has(name)) visit(name);
  return problems;
}

/** Ansible's group depth: the longest chain of parents up to `all`. Cycles (already reported) count as 0. */
function assignDepths(groups: ReadonlyMap<string, GroupNode>): void {
  const depths = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    if (name === 'all') return 0;
    const known = depths.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const parents = [...(groups.get(name)?.parents ?? [])];
    const depth = parents.length === 0 ? 1 : 1 + Math.max(...parents.map(depthOf));
    visiting.delete(name);
    depths.set(name, depth);
    return depth;
  };
  for (const [name, group] of groups) group.depth = depthOf(name);
}
