import type { Argv, CommandModule } from 'yargs';
import type { Outcome } from '../main.js';
import { withInventoryOptions } from './options.js';

const builder = (yargs: Argv) =>
  withInventoryOptions(yargs)
    .option('vars', { type: 'boolean', default: false, describe: 'also print each host’s merged vars' })
    .example("$0 inventory -i inventory.yml --limit 'web:!web3'", 'which hosts a pattern selects');

export type InventoryArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export function inventoryCommand(outcome: Outcome): CommandModule<object, InventoryArgs> {
  return {
    command: 'inventory',
    describe: 'list the hosts an inventory and --limit select, with their connection settings',
    builder,
    handler: async (argv) => {
      const { runInventory } = await import('./run-inventory.js');
      outcome.exitCode = await runInventory(argv);
    },
  };
}
