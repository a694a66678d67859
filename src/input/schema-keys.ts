import type { z } from 'zod';
import type { YamlPath } from './field-path.js';

// Zod v4 exposes every schema's definition as `_zod.def`; reading it is the supported way to
// introspect. Only the few wrapper kinds that can stand between a path segment and an object
// are followed here.
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The schemas a value at `path` may be checked against (several below a union). */
function schemasAt(schema: z.ZodType, path: YamlPath): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return def.innerType ? schemasAt(def.innerType, path) : [];
    case 'pipe':
      return def.in ? schemasAt(def.in, path) : [];
    case 'lazy':
      return def.getter ? schemasAt(def.getter(), path) : [];
    case 'union':
      return (def.options ?? []).flatMap((option) => schemasAt(option, path));
  }
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  if (def.type === 'object' && typeof head === 'string') {
    const child = def.shape?.[head];
    return child ? schemasAt(child, rest) : [];
  }
  if (def.type === 'record' && def.valueType) return schemasAt(def.valueType, rest);
  if (def.type === 'array' && def.element) return schemasAt(def.element, rest);
  return [];
}

/** The field names an object at `path` accepts: the candidates for "did you mean". */
export function objectKeysAt(schema: z.ZodType, path: YamlPath): string[] {
  return schemasAt(schema, path).flatMap((found) => {
    const def = defOf(found);
    return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
  });
}
