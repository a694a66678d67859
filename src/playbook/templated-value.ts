import { childrenOf, type YamlPath } from '../input/index.js';
import { type CompiledTemplate, compileTemplate, isTemplate, renderTemplate } from './template.js';

/** A value from YAML with every string that holds `{{` compiled, found by its path inside the value. */
export interface TemplatedValue {
  value: unknown;
  templates: { path: YamlPath; template: CompiledTemplate }[];
}

export interface PathError {
  path: YamlPath;
  message: string;
}

export function compileValue(value: unknown): { templated: TemplatedValue; errors: PathError[] } {
  const templates: TemplatedValue['templates'] = [];
  const errors: PathError[] = [];
  const walk = (node: unknown, path: YamlPath) => {
    if (typeof node === 'string' && isTemplate(node)) {
      const compiled = compileTemplate(node);
      if ('error' in compiled) errors.push({ path, message: compiled.error });
      else templates.push({ path, template: compiled.template });
    } else for (const [segment, child] of childrenOf(node)) walk(child, [...path, segment]);
  };
  walk(value, []);
  return { templated: { value, templates }, errors };
}

/** A fresh copy with every template rendered; the loaded value is shared by all hosts and never changed. */
export function renderValue(
  templated: TemplatedValue,
  context: Record<string, unknown>,
): { value: unknown } | { errors: PathError[] } {
  if (templated.templates.length === 0) return { value: templated.value };
  let root: unknown = structuredClone(templated.value);
  const errors: PathError[] = [];
  for (const { path, template } of templated.templates) {
    const rendered = renderTemplate(template, context);
    if ('error' in rendered) {
      errors.push({ path, message: rendered.error });
      continue;
    }
    if (path.length === 0) {
      root = rendered.value;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
    parent[path[path.length - 1]!] = rendered.value;
  }
  return errors.length > 0 ? { errors } : { value: root };
}
