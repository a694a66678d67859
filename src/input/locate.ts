import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { YamlPath } from './field-path.js';
import type { YamlSource } from './yaml-source.js';

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/**
 * The position of the value at `path`, or of its key when `key` is set (where an unknown or
 * misspelt key should point). A path that leaves the document (a missing key, or a value that
 * came from a merge key or a template) points at the deepest node that does exist.
 */
export function locate(source: YamlSource, path: YamlPath, options: { key?: boolean } = {}): SourcePosition {
  let node: unknown = source.doc.contents;
  let found: unknown = node;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(source.doc);
    const isLast = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (!pair) break;
      // `key:` with nothing after it has an empty value node at the end of the line: its key is
      // the better place to point.
      found = (isLast && options.key) || isEmpty(pair.value) ? pair.key : pair.value;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      found = node;
    } else break;
  }
  return positionOf(source, found);
}

function isEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  return isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1];
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function positionOf(source: YamlSource, node: unknown): SourcePosition {
  const range = (node as Node | null | undefined)?.range;
  // An empty document has no node at all: line 1 is the only honest answer.
  if (!range) return { file: source.file, line: 1, col: 1 };
  const { line, col } = source.lineCounter.linePos(range[0]);
  return { file: source.file, line, col };
}

/** How a message names another position: `line 5, column 10` in the same file, `file:5:10` elsewhere. */
export function positionText(position: SourcePosition, fromFile: string): string {
  return position.file === fromFile
    ? `line ${position.line}, column ${position.col}`
    : `${position.file}:${position.line}:${position.col}`;
}
