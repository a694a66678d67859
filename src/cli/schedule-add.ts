import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, type InputProblem } from '../errors.js';
import { isPostgresUrl } from '../history/index.js';
import {
  cronToOnCalendar,
  defaultUnitDir,
  everyToCron,
  type InstallReport,
  installCron,
  installSystemd,
  listSchedules,
  nextRuns,
  parseCron,
  parseDuration,
  type ScheduleSpec,
  saveSchedule,
  scheduleNamePattern,
  systemdIsRunning,
  uninstall,
} from '../schedule/index.js';
import { loadRunInput } from './load-run-input.js';
import type { ScheduleAddArgs } from './schedule.js';

const flagProblem = (flag: string, message: string): InputProblem => ({
  file: flag,
  line: 0,
  col: 0,
  field: '',
  message,
});

function durationOf(flag: string, text: string | undefined, problems: InputProblem[]): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseDuration(text);
  if ('error' in parsed) {
    problems.push(flagProblem(flag, parsed.error));
    return undefined;
  }
  return parsed.seconds;
}

function cronOf(argv: ScheduleAddArgs, problems: InputProblem[]): string | undefined {
  if (argv.cron === undefined && argv.every === undefined) {
    problems.push(flagProblem('--every/--cron', "say when: --every '1h' or --cron '30 2 * * *'"));
    return undefined;
  }
  if (argv.cron !== undefined) {
    const parsed = parseCron(argv.cron);
    if ('error' in parsed) problems.push(flagProblem('--cron', parsed.error));
    return 'error' in parsed ? undefined : parsed.expression;
  }
  const seconds = durationOf('--every', argv.every, problems);
  if (seconds === undefined) return undefined;
  const parsed = everyToCron(seconds, argv.every!);
  if ('error' in parsed) problems.push(flagProblem('--every', parsed.error));
  return 'error' in parsed ? undefined : parsed.expression;
}

/** Builds the schedule from the flags, or throws every input problem at once. */
function specFrom(argv: ScheduleAddArgs): Omit<ScheduleSpec, 'installed'> {
  const problems: InputProblem[] = [];
  if (!scheduleNamePattern.test(argv.name))
    problems.push(
      flagProblem(
        'NAME',
        `'${argv.name}': use 1-63 letters, digits, - and _, starting with a letter or digit`,
      ),
    );
  const cron = cronOf(argv, problems);
  const maxRuntimeSec = durationOf('--max-runtime', argv['max-runtime'], problems);
  const jitterSec = durationOf('--jitter', argv.jitter, problems) ?? 0;
  if (maxRuntimeSec === 0) problems.push(flagProblem('--max-runtime', 'must be more than 0'));
  if (problems.length > 0) throw new InputError(problems);
  const history = argv.history === false || argv.history === undefined ? undefined : argv.history;
  return {
    version: 1,
    name: argv.name,
    inventories: argv.inventory.map((path) => resolve(path)),
    playbooks: (argv.playbooks ?? []).map((path) => resolve(path)),
    ...(argv.limit ? { limit: argv.limit } : {}),
    extraVars: argv['extra-vars'],
    cron: cron!,
    ...(argv.every ? { every: argv.every } : {}),
    checkOnly: argv['check-only'],
    ...(argv['on-drift'] ? { onDrift: argv['on-drift'] } : {}),
    ...(maxRuntimeSec ? { maxRuntimeSec } : {}),
    jitterSec,
    ...(history ? { history: isPostgresUrl(history) ? history : resolve(history) } : {}),
    noHistory: argv.history === false,
    ...(argv.shard ? { shard: argv.shard } : {}),
    connection: {
      ...(argv['known-hosts'] ? { knownHosts: resolve(argv['known-hosts']) } : {}),
      acceptNewHostKeys: argv['accept-new-host-keys'],
      ...(argv.forks ? { forks: argv.forks } : {}),
      timeoutSec: argv.timeout,
      connectTimeoutSec: argv['connect-timeout'],
    },
    createdAt: new Date().toISOString(),
  };
}

function chooseBackend(argv: ScheduleAddArgs): 'systemd' | 'cron' {
  if (argv.backend !== 'auto') return argv.backend;
  if (argv['unit-dir']) return 'systemd';
  if (argv['crontab-file']) return 'cron';
  return systemdIsRunning() ? 'systemd' : 'cron';
}

export async function runScheduleAdd(argv: ScheduleAddArgs): Promise<number> {
  const spec = specFrom(argv);
  // Every input error now, at add time, rather than in a log at 3 a.m.
  loadRunInput({
    inventories: spec.inventories,
    playbooks: spec.playbooks,
    limit: spec.limit,
    extraVars: spec.extraVars,
  });
  for (const file of [spec.connection.knownHosts].filter((f): f is string => f !== undefined))
    if (!existsSync(file)) throw new InputError([flagProblem('--known-hosts', `${file}: no such file`)]);

  const stateDir = argv['state-dir'];
  const previous = (await listSchedules(stateDir)).find((existing) => existing.name === spec.name);
  if (previous) await uninstall(previous);
  const backend = chooseBackend(argv);
  const report: InstallReport =
    backend === 'systemd'
      ? await installSystemd(spec as ScheduleSpec, stateDir, {
          unitDir: argv['unit-dir'] ?? defaultUnitDir(argv.user),
          user: argv.user,
        })
      : await installCron(spec as ScheduleSpec, stateDir, argv['crontab-file']);
  const saved = await saveSchedule(stateDir, { ...spec, installed: report.installed });

  const lines = [
    `${previous ? 'replaced' : 'added'} schedule ${spec.name}: ${spec.checkOnly ? 'check only' : 'apply'}, cron '${spec.cron}'${spec.every ? ` (every ${spec.every})` : ''}`,
    ...(backend === 'systemd'
      ? cronToOnCalendar(spec.cron).map((calendar) => `  OnCalendar=${calendar}`)
      : []),
    ...report.files.map((file) => `  wrote ${file}`),
    `  schedule ${saved}`,
    'next runs:',
    ...nextRuns(spec.cron, 3).map((date) => `  ${date.toString()}`),
    ...report.notes.map((note) => `note: ${note}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
