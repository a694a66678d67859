import type { Argv, CommandModule } from 'yargs';
import type { Outcome } from '../main.js';
import { withInventoryOptions, withRunOptions } from './options.js';
import { withHistoryOptions, withShardOption, withStateDirOption } from './schedule-options.js';

const builder = (yargs: Argv) =>
  withShardOption(withHistoryOptions(withStateDirOption(withRunOptions(withInventoryOptions(yargs)))))
    .positional('playbooks', { type: 'string', array: true, describe: 'playbook files, run in order' })
    .example('$0 apply -i inventory.yml playbooks/bridge-netfilter.yml', 'fix, verify, recap')
    .example(
      '$0 apply -i inventory.yml playbooks/bridge-netfilter.yml --check --diff',
      'change nothing, show what would change',
    );

export type ApplyArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export function applyCommand(outcome: Outcome): CommandModule<object, ApplyArgs> {
  return {
    command: 'apply <playbooks..>',
    describe: 'run playbooks on the inventory: plan, change, verify each change, recap',
    builder,
    handler: async (argv) => {
      const { runApply } = await import('./run-apply.js');
      outcome.exitCode = await runApply(argv);
    },
  };
}
