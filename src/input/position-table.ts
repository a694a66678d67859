import { InternalError } from '../errors.js';
import type { YamlPath } from './field-path.js';
import { locate, type SourcePosition } from './locate.js';
import type { YamlSource } from './yaml-source.js';
import { childrenOf } from './yaml-values.js';
import type { Locator } from './zod-problems.js';

/**
 * Positions of every node inside one value, keyed by its path (JSON of the relative path).
 * Loaded playbooks keep this plain table instead of the YAML document, so errors found later
 * (after per-host rendering) still point at the line and column of what was written.
 */
export type PositionTable = Record<string, { value: SourcePosition; key: SourcePosition }>;

export function positionTable(source: YamlSource, basePath: YamlPath, value: unknown): PositionTable {
  const table: PositionTable = {};
  const walk = (node: unknown, path: YamlPath) => {
    table[JSON.stringify(path)] = {
      value: locate(source, [...basePath, ...path]),
      key: locate(source, [...basePath, ...path], { key: true }),
    };
    for (const [segment, child] of childrenOf(node)) walk(child, [...path, segment]);
  };
  walk(value, []);
  return table;
}

/** Looks a path up in the table; a path that is not there (a key that a template produced) falls back to its deepest ancestor. */
export function locatorFromTable(table: PositionTable): Locator {
  return (relativePath, options) => {
    for (let length = relativePath.length; length >= 0; length--) {
      const entry = table[JSON.stringify(relativePath.slice(0, length))];
      if (entry) return length === relativePath.length && options.key ? entry.key : entry.value;
    }
    throw new InternalError('position table has no root entry');
  };
}
