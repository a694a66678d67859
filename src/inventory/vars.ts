import type { InputProblem } from '../errors.js';
import { formatFieldPath, type HostProblem, locate, positionText, type YamlSource } from '../input/index.js';
import type { VarDeclaration } from './collect.js';
import type { GroupNode } from './graph.js';

/**
 * Ansible's variable precedence for inventory variables, lowest first:
 *   groups ordered by depth (all = 0, its children 1, theirs 2, ...), then by
 *   `ansible_group_priority` (default 1), then by name (alphabetical: at equal depth and
 *   priority, the group whose name sorts last wins); then the host's own variables.
 * Within one group or host, a later -i file overrides an earlier one.
 */
export function varLayersOf(
  host: string,
  memberOf: ReadonlySet<string>,
  groups: ReadonlyMap<string, GroupNode>,
  declarationsByOwner: ReadonlyMap<string, readonly VarDeclaration[]>,
): VarDeclaration[] {
  const priorityOf = (group: string) => {
    const declared = (declarationsByOwner.get(`group:${group}`) ?? []).filter(
      (d) => d.name === 'ansible_group_priority',
    );
    const last = declared[declared.length - 1]?.value;
    return typeof last === 'number' ? last : 1;
  };
  const ordered = [...memberOf].sort(
    (a, b) =>
      (groups.get(a)?.depth ?? 0) - (groups.get(b)?.depth ?? 0) ||
      priorityOf(a) - priorityOf(b) ||
      (a < b ? -1 : a > b ? 1 : 0),
  );
  return [
    ...ordered.flatMap((group) => declarationsByOwner.get(`group:${group}`) ?? []),
    ...(declarationsByOwner.get(`host:${host}`) ?? []),
  ];
}

export function indexByOwner(declarations: readonly VarDeclaration[]): Map<string, VarDeclaration[]> {
  const index = new Map<string, VarDeclaration[]>();
  for (const declaration of declarations) {
    const key = `${declaration.owner.kind}:${declaration.owner.name}`;
    index.set(key, [...(index.get(key) ?? []), declaration]);
  }
  return index;
}

export function mergeLayers(layers: readonly VarDeclaration[]): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const layer of layers) vars[layer.name] = layer.value;
  return vars;
}

/**
 * A variable set to a number in one group and to a string in another changes type with the
 * precedence order, which nobody notices until a template renders oddly: refuse it. Null is
 * compatible with everything (it is how YAML writes "unset").
 */
export function typeConflicts(
  host: string,
  layers: readonly VarDeclaration[],
  sources: readonly YamlSource[],
): HostProblem[] {
  const firstByName = new Map<string, VarDeclaration>();
  const problems: HostProblem[] = [];
  for (const layer of layers) {
    if (kindOf(layer.value) === 'null') continue;
    const first = firstByName.get(layer.name);
    if (!first) {
      firstByName.set(layer.name, layer);
      continue;
    }
    if (kindOf(first.value) === kindOf(layer.value)) continue;
    const here = locate(sources[layer.fileIndex]!, layer.path);
    const there = positionText(locate(sources[first.fileIndex]!, first.path), here.file);
    const problem: InputProblem = {
      ...here,
      field: formatFieldPath(layer.path),
      message: `variable '${layer.name}' is ${kindOf(layer.value)} here but ${kindOf(first.value)} at ${there}`,
    };
    problems.push({ host, problem });
  }
  return problems;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
