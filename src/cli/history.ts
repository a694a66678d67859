import type { Argv, CommandModule } from 'yargs';
import type { Outcome } from '../main.js';
import { withHistoryOptions, withStateDirOption } from './schedule-options.js';

const builder = (yargs: Argv) =>
  withStateDirOption(withHistoryOptions(yargs))
    .option('host', { type: 'string', describe: 'only this host' })
    .option('schedule', { type: 'string', describe: 'only runs of this schedule' })
    .option('since', { type: 'string', default: '7d', describe: "how far back: '24h', '7d', '30d'" })
    .option('drift', {
      type: 'boolean',
      default: false,
      describe: 'per host, when each setting drifted and whether the fix held',
    })
    .option('html', {
      type: 'string',
      describe: 'also write a self-contained page with a drift timeline per host',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print runs (or drift) as JSON' })
    .example('$0 history --drift --since 30d', 'which hosts drifted this month, what, and did the fix hold')
    .example('$0 history --host hv042 --html hv042.html', 'every run on hv042, and its timeline');

export type HistoryArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export function historyCommand(outcome: Outcome): CommandModule<object, HistoryArgs> {
  return {
    command: 'history',
    describe: 'recorded runs; with --drift, when each setting drifted and whether the fix held',
    builder,
    handler: async (argv) => {
      outcome.exitCode = await (await import('./history-run.js')).runHistory(argv);
    },
  };
}
