import type { Argv, CommandModule } from 'yargs';
import type { Outcome } from '../main.js';
import { withReportOptions } from './options.js';

const builder = (yargs: Argv) =>
  withReportOptions(yargs)
    .positional('file', {
      type: 'string',
      demandOption: true,
      describe: 'a run result written by --report FILE.json',
    })
    .option('format', {
      alias: 'f',
      choices: ['html', 'md', 'xml', 'json'] as const,
      describe: 'output format (default: from the --output extension)',
    })
    .option('output', { alias: 'o', type: 'string', describe: 'write here instead of standard output' })
    .example('$0 report run.json --format html -o run.html', 'the HTML page of a saved run')
    .example('$0 report run.json -f xml --fail-on-change > junit.xml', 'JUnit where drift is a failure');

export type ReportArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export function reportCommand(outcome: Outcome): CommandModule<object, ReportArgs> {
  return {
    command: 'report <file>',
    describe:
      'render a saved run result (--report FILE.json) as HTML, Markdown or JUnit; no host is contacted',
    builder,
    handler: async (argv) => {
      const { runReport } = await import('./run-report.js');
      outcome.exitCode = await runReport(argv);
    },
  };
}
