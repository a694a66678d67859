import type { Argv, CommandModule } from 'yargs';
import type { Outcome } from '../main.js';
import { withInventoryOptions } from './options.js';

const builder = (yargs: Argv) =>
  withInventoryOptions(yargs)
    .positional('playbooks', { type: 'string', array: true, describe: 'playbook files' })
    .example(
      '$0 validate -i inventory.yml playbooks/*.yml',
      'every input error at once; no host is contacted',
    );

export type ValidateArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export function validateCommand(outcome: Outcome): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate <playbooks..>',
    describe: 'check inventories and playbooks (rendered for every host) without contacting any host',
    builder,
    handler: async (argv) => {
      const { runValidate } = await import('./run-validate.js');
      outcome.exitCode = await runValidate(argv);
    },
  };
}
