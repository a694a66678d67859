import type { Argv, CommandModule } from 'yargs';
import type { Outcome } from '../main.js';
import { withConnectionOptions, withInventoryOptions } from './options.js';
import { withHistoryOptions, withShardOption, withStateDirOption } from './schedule-options.js';

// `netfix schedule add|list|remove|run|export`: each subcommand lazily imports its function.

const addBuilder = (yargs: Argv) =>
  withConnectionOptions(withStateDirOption(withShardOption(withHistoryOptions(withInventoryOptions(yargs)))))
    .positional('name', {
      type: 'string',
      demandOption: true,
      describe: 'schedule name: letters, digits, - and _',
    })
    .positional('playbooks', { type: 'string', array: true, describe: 'playbook files, run in order' })
    .option('every', {
      type: 'string',
      describe: "interval that divides an hour or a day: '15min', '1h', '6h', '1d'",
    })
    .option('cron', { type: 'string', describe: "5-field cron expression, e.g. '30 2 * * *' (local time)" })
    .conflicts('every', 'cron')
    .option('check-only', {
      type: 'boolean',
      default: false,
      describe: 'never change a host: only find and record drift',
    })
    .option('on-drift', {
      type: 'string',
      describe: 'local shell command run with the JSON drift summary on stdin',
    })
    .option('max-runtime', {
      type: 'string',
      describe: "stop starting new work after this long, e.g. '45min'",
    })
    .option('jitter', {
      type: 'string',
      describe: "random delay before each run, up to this long, e.g. '10min'",
    })
    .option('backend', {
      choices: ['auto', 'systemd', 'cron'] as const,
      default: 'auto' as const,
      describe: 'auto: systemd timer when systemd runs here, else crontab',
    })
    .option('unit-dir', {
      type: 'string',
      describe: 'where the .service/.timer go (default /etc/systemd/system)',
    })
    .option('user', { type: 'boolean', default: false, describe: 'a user timer (~/.config/systemd/user)' })
    .option('crontab-file', {
      type: 'string',
      describe: 'write the cron line to this file instead of crontab(1)',
    })
    .example(
      "$0 schedule add nightly -i inv.yml playbooks/bridge-netfilter.yml --cron '30 2 * * *' --jitter 15min",
      '',
    )
    .example(
      "$0 schedule add drift-watch -i inv.yml playbooks/*.yml --every 1h --check-only --on-drift 'page-oncall'",
      '',
    );

const runBuilder = (yargs: Argv) =>
  withStateDirOption(withShardOption(withHistoryOptions(yargs)))
    .positional('name', { type: 'string', demandOption: true })
    .option('spec', { type: 'string', describe: 'read the schedule from this file instead of the state dir' })
    .option('from-cron', { type: 'boolean', default: false, hidden: true });

const nameBuilder = (yargs: Argv) =>
  withStateDirOption(yargs).positional('name', { type: 'string', demandOption: true });

const exportBuilder = (yargs: Argv) =>
  nameBuilder(yargs)
    .option('kubernetes', { type: 'boolean', demandOption: 'say which format: --kubernetes' })
    .option('shards', {
      type: 'number',
      default: 1,
      describe: 'runners (Indexed Job completions), each a 1/N of the hosts',
    })
    .option('image', { type: 'string', demandOption: 'give the container image with netfix: --image' })
    .option('namespace', { type: 'string' })
    .option('history-secret', {
      type: 'string',
      default: 'netfix-history',
      describe: 'Secret whose key `url` is the postgres:// URL',
    })
    .option('ssh-secret', {
      type: 'string',
      default: 'netfix-ssh',
      describe: 'Secret with the SSH key (ssh-privatekey)',
    });

export type ScheduleAddArgs = ReturnType<typeof addBuilder> extends Argv<infer T> ? T : never;
export type ScheduleRunArgs = ReturnType<typeof runBuilder> extends Argv<infer T> ? T : never;
export type ScheduleNameArgs = ReturnType<typeof nameBuilder> extends Argv<infer T> ? T : never;
export type ScheduleExportArgs = ReturnType<typeof exportBuilder> extends Argv<infer T> ? T : never;
type StateArgs = ReturnType<typeof withStateDirOption<object>> extends Argv<infer T> ? T : never;

export function scheduleCommand(outcome: Outcome): CommandModule {
  const add: CommandModule<object, ScheduleAddArgs> = {
    command: 'add <name> <playbooks..>',
    describe: 'install a systemd timer (or crontab line) that runs the playbooks on a schedule',
    builder: addBuilder,
    handler: async (argv) => {
      outcome.exitCode = await (await import('./schedule-add.js')).runScheduleAdd(argv);
    },
  };
  const list: CommandModule<object, StateArgs> = {
    command: 'list',
    describe: 'the schedules of this machine, with their next run',
    builder: (yargs) => withStateDirOption(yargs),
    handler: async (argv) => {
      outcome.exitCode = await (await import('./schedule-list.js')).runScheduleList(argv['state-dir']);
    },
  };
  const remove: CommandModule<object, ScheduleNameArgs> = {
    command: 'remove <name>',
    describe: 'uninstall a schedule (its history stays)',
    builder: nameBuilder,
    handler: async (argv) => {
      outcome.exitCode = await (await import('./schedule-list.js')).runScheduleRemove(argv);
    },
  };
  const run: CommandModule<object, ScheduleRunArgs> = {
    command: 'run <name>',
    describe: 'run a schedule now, exactly as its timer would',
    builder: runBuilder,
    handler: async (argv) => {
      outcome.exitCode = await (await import('./schedule-run.js')).runScheduleRun(argv);
    },
  };
  const exportCommand: CommandModule<object, ScheduleExportArgs> = {
    command: 'export <name>',
    describe: 'print the schedule as a Kubernetes CronJob of an Indexed Job with N shards',
    builder: exportBuilder,
    handler: async (argv) => {
      outcome.exitCode = await (await import('./schedule-export.js')).runScheduleExport(argv);
    },
  };
  return {
    command: 'schedule <command>',
    describe: 'run playbooks on a timer, check-only or fixing, and record every run',
    builder: (yargs) =>
      yargs
        .command(add)
        .command(list)
        .command(remove)
        .command(run)
        .command(exportCommand)
        .demandCommand(1, 'name a schedule command: add, list, remove, run, export'),
    handler: () => {},
  };
}
