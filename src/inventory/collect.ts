import type { InputProblem } from '../errors.js';
import {
  closeMatches,
  formatFieldPath,
  isMapping,
  locate,
  positionText,
  type YamlPath,
  type YamlSource,
} from '../input/index.js';
import { expandHostRange } from './host-ranges.js';
import { inventoryPatterns } from './names.js';
import { connectionVarNames } from './schema.js';

/** Where something was written: the file's index among the -i files, and its path in that file. */
export interface Declared {
  fileIndex: number;
  path: YamlPath;
}

export interface GroupDeclaration extends Declared {
  name: string;
  /** Undefined only for `all` itself. */
  parent?: string;
}

export interface HostDeclaration extends Declared {
  name: string;
  group: string;
}

export interface VarDeclaration extends Declared {
  owner: { kind: 'group' | 'host'; name: string };
  name: string;
  value: unknown;
}

export interface FileDeclarations {
  groups: GroupDeclaration[];
  hosts: HostDeclaration[];
  vars: VarDeclaration[];
  problems: InputProblem[];
}

/**
 * Walks one inventory file in document order (which is inventory order) and lists what it
 * declares. Tolerant of shapes the schema rejected: those are reported by the schema check,
 * and everything well-formed around them is still collected so all problems surface at once.
 */
export function collectDeclarations(source: YamlSource, fileIndex: number, data: unknown): FileDeclarations {
  const out: FileDeclarations = { groups: [], hosts: [], vars: [], problems: [] };
  const problem = (path: YamlPath, message: string, key = false) =>
    out.problems.push({ ...locate(source, path, { key }), field: formatFieldPath(path), message });

  const collectVars = (owner: VarDeclaration['owner'], vars: unknown, path: YamlPath) => {
    if (!isMapping(vars)) return;
    for (const [name, value] of Object.entries(vars)) {
      out.vars.push({ fileIndex, path: [...path, name], owner, name, value });
      const misspelt = misspeltConnectionVar(name);
      if (misspelt) problem([...path, name], misspelt, true);
    }
  };

  const visitGroup = (
    name: string,
    body: unknown,
    path: YamlPath,
    parent: string | undefined,
    depth: number,
  ) => {
    if (!inventoryPatterns.group.test(name)) return;
    out.groups.push({ fileIndex, path, name, ...(parent === undefined ? {} : { parent }) });
    // YAML aliases can nest a group inside itself; the graph check reports real cycles.
    if (!isMapping(body) || depth > 64) return;
    for (const [key, value] of Object.entries(body)) {
      if (key === 'vars') collectVars({ kind: 'group', name }, value, [...path, 'vars']);
      if (key === 'children' && isMapping(value)) {
        for (const [child, childBody] of Object.entries(value)) {
          visitGroup(child, childBody, [...path, 'children', child], name, depth + 1);
        }
      }
      if (key === 'hosts' && isMapping(value)) {
        // Ranges overlap silently (`hv[1:3]` and `hv2`): the host's variables would be merged
        // in an order nobody wrote down.
        const listedBy = new Map<string, string>();
        for (const [hostKey, hostVars] of Object.entries(value)) {
          const hostPath = [...path, 'hosts', hostKey];
          if (!inventoryPatterns.hostKey.test(hostKey)) continue;
          const expanded = expandHostRange(hostKey);
          if ('error' in expanded) {
            problem(hostPath, expanded.error, true);
            continue;
          }
          for (const host of expanded.names) {
            if (!inventoryPatterns.host.test(host)) {
              problem(hostPath, `invalid host name '${host}': must match ${inventoryPatterns.host}`, true);
              continue;
            }
            const earlier = listedBy.get(host);
            if (earlier !== undefined) {
              const first = positionText(
                locate(source, [...path, 'hosts', earlier], { key: true }),
                source.file,
              );
              const by = earlier === host ? '' : ` by '${earlier}'`;
              problem(
                hostPath,
                `host '${host}' is already listed in group '${name}'${by} (at ${first})`,
                true,
              );
              continue;
            }
            listedBy.set(host, hostKey);
            out.hosts.push({ fileIndex, path: hostPath, name: host, group: name });
            collectVars({ kind: 'host', name: host }, hostVars, hostPath);
          }
        }
      }
    }
  };

  if (isMapping(data)) {
    for (const [name, body] of Object.entries(data))
      visitGroup(name, body, [name], name === 'all' ? undefined : 'all', 0);
  }
  return out;
}

/**
 * `ansible_usr` would silently be an ordinary variable and the login would fall back to the
 * local user; a name this close to a connection variable is taken for a typo.
 */
function misspeltConnectionVar(name: string): string | undefined {
  if (!name.startsWith('ansible_') || connectionVarNames.includes(name)) return undefined;
  const close = closeMatches(name, connectionVarNames);
  if (close.length === 0) return undefined;
  return `unknown connection variable '${name}' (did you mean '${close[0]}'?)`;
}
