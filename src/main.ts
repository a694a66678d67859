import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { applyCommand } from './cli/apply.js';
import { historyCommand } from './cli/history.js';
import { inventoryCommand } from './cli/inventory.js';
import { reportCommand } from './cli/report.js';
import { scheduleCommand } from './cli/schedule.js';
import { schemaCommand } from './cli/schema.js';
import { validateCommand } from './cli/validate.js';
import { netfixVersion } from './cli/version.js';
import { exitCodes, formatInputProblem, InputError } from './errors.js';
import { boundHeapGrowth } from './heap.js';

const exitCodeHelp = `Exit codes:
  0    every host ok (or, with --check, nothing to change)
  1    bad input or usage: no host was contacted
  2    a task failed on at least one host
  3    at least one host unreachable, and none failed
  4    --check found changes to make
  130  interrupted (Ctrl-C); reports were still written`;

/** Commands set this; only this file exits the process, after output is flushed. */
const outcome = { exitCode: exitCodes.ok as number };
export type Outcome = typeof outcome;

async function main(): Promise<number> {
  boundHeapGrowth();
  const parser = yargs(hideBin(process.argv))
    .scriptName('netfix')
    .usage(
      '$0 <command> [options]\n\nFind and fix kernel-module, netfilter and bridge configuration over SSH.',
    )
    .command(applyCommand(outcome))
    .command(validateCommand(outcome))
    .command(inventoryCommand(outcome))
    .command(schemaCommand(outcome))
    .command(reportCommand(outcome))
    .command(scheduleCommand(outcome))
    .command(historyCommand(outcome))
    .completion('completion', 'print a bash/zsh completion script (eval "$(netfix completion)")')
    .demandCommand(1, 'name a command: apply, validate, inventory, report, schedule, history, schema')
    .strict()
    .epilog(exitCodeHelp)
    .version(netfixVersion)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`netfix: ${message}\nRun 'netfix --help' for usage.\n`);
      throw new UsageExit();
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageExit) return exitCodes.input;
    if (error instanceof InputError) {
      process.stderr.write(
        `${error.problems.map((problem) => shownSafely(formatInputProblem(problem))).join('\n')}\n`,
      );
      process.stderr.write(
        `netfix: ${error.problems.length} input error${error.problems.length === 1 ? '' : 's'}; no host was contacted\n`,
      );
      return exitCodes.input;
    }
    process.stderr.write(
      `netfix: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 70;
  }
  return outcome.exitCode;
}

class UsageExit extends Error {}

/**
 * Problems quote what input holds, and YAML escapes ("\e[2J" in a key) can put control characters
 * there: shown as \xNN, a terminal never obeys them. Newlines and tabs in messages stay.
 */
function shownSafely(line: string): string {
  return line.replace(
    /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

const code = await main();
// Let stdout/stderr drain before exiting; a piped report must not be cut short.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
