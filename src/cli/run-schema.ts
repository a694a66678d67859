import { z } from 'zod';
import { runResultSchema } from '../engine/index.js';
import { exitCodes } from '../errors.js';
import { inventoryJsonSchema, playbookJsonSchema } from '../schema/index.js';
import type { SchemaArgs } from './schema.js';

export async function runSchema(argv: SchemaArgs): Promise<number> {
  const schema =
    argv.kind === 'playbook'
      ? playbookJsonSchema()
      : argv.kind === 'inventory'
        ? inventoryJsonSchema()
        : z.toJSONSchema(runResultSchema);
  process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
  return exitCodes.ok;
}
