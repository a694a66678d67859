import { z } from 'zod';
import { inventoryFileSchema } from '../inventory/index.js';
import { moduleRegistry } from '../modules/index.js';
import { buildPlaybookSchema } from '../playbook/index.js';

// JSON Schemas for editor completion and validation of playbooks and inventories, generated from
// the zod schemas that also type and validate them, so the three cannot drift apart.
// `io: 'input'` describes what a person writes (before defaults and transforms apply).

export type JsonSchema = Record<string, unknown>;

/** Module parameters may be `{{ templates }}` that only become valid values once rendered. */
const templateString = {
  type: 'string',
  pattern: '\\{\\{',
  description: 'A {{ template }}, rendered per host.',
};

export function playbookJsonSchema(): JsonSchema {
  const { task, playbook } = buildPlaybookSchema();
  const moduleNames = [...moduleRegistry.keys()];
  // Below a module's key (not the key itself, whose value must be a mapping), not a key pattern.
  const isModuleParameter = (path: (string | number)[]) =>
    path.some(
      (segment, index) =>
        index > 0 &&
        index < path.length - 1 &&
        path[index - 1] === 'properties' &&
        moduleNames.includes(String(segment)),
    ) &&
    path[path.length - 1] !== 'propertyNames' &&
    path[path.length - 2] !== 'anyOf';
  return z.toJSONSchema(playbook, {
    io: 'input',
    override: ({ zodSchema, jsonSchema, path }) => {
      // "Exactly one module per task" has no zod spelling that survives conversion; say it here.
      if (zodSchema === task) jsonSchema.oneOf = moduleNames.map((name) => ({ required: [name] }));
      else if (isModuleParameter(path) && jsonSchema.type !== undefined) allowTemplate(jsonSchema);
    },
  }) as JsonSchema;
}

/** `{type: boolean}` becomes `{anyOf: [{type: boolean}, <template string>]}`, description kept on top. */
function allowTemplate(jsonSchema: Record<string, unknown>): void {
  const { description, ...original } = jsonSchema;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  Object.assign(jsonSchema, description === undefined ? {} : { description }, {
    anyOf: [original, templateString],
  });
}

export function inventoryJsonSchema(): JsonSchema {
  return z.toJSONSchema(inventoryFileSchema, { io: 'input' }) as JsonSchema;
}
