import { isMap, visit } from 'yaml';
import type { InputProblem } from '../errors.js';
import type { YamlSource } from './yaml-source.js';

/**
 * `name: {{ mod }}` is valid YAML, but it is a mapping inside a mapping, not a template: the
 * value must be quoted. Nobody means a mapping as a key, so say what happened instead of
 * reporting a confusing type error further down.
 */
export function findUnquotedTemplates(source: YamlSource): InputProblem[] {
  const problems: InputProblem[] = [];
  visit(source.doc, {
    Map(_, map) {
      if (!map.flow || !map.range) return;
      if (!map.items.some((pair) => isMap(pair.key))) return;
      const { line, col } = source.lineCounter.linePos(map.range[0]);
      problems.push({
        file: source.file,
        line,
        col,
        field: '',
        message: `a value that starts with '{{' must be quoted, e.g. "{{ name }}" (YAML reads it as a mapping)`,
      });
      return visit.SKIP;
    },
  });
  return problems;
}
