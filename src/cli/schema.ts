import type { Argv, CommandModule } from 'yargs';
import type { Outcome } from '../main.js';

const builder = (yargs: Argv) =>
  yargs
    .positional('kind', { choices: ['playbook', 'inventory', 'run-result'] as const, demandOption: true })
    .example('$0 schema playbook > playbook.schema.json', 'JSON Schema for editor completion');

export type SchemaArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export function schemaCommand(outcome: Outcome): CommandModule<object, SchemaArgs> {
  return {
    command: 'schema <kind>',
    describe: 'print the JSON Schema of playbooks, inventories or the --report file',
    builder,
    handler: async (argv) => {
      const { runSchema } = await import('./run-schema.js');
      outcome.exitCode = await runSchema(argv);
    },
  };
}
