import {
  deleteSchedule,
  listSchedules,
  loadSchedule,
  nextRuns,
  type ScheduleSpec,
  uninstall,
} from '../schedule/index.js';
import type { ScheduleNameArgs } from './schedule.js';

function where(spec: ScheduleSpec): string {
  const installed = spec.installed;
  if (installed.backend === 'systemd')
    return `systemd${installed.user ? ' --user' : ''} ${installed.unitDir}${installed.activated ? '' : ' (not enabled)'}`;
  if (installed.backend === 'cron') return `cron ${installed.crontabFile ?? '(crontab)'}`;
  return 'kubernetes';
}

export async function runScheduleList(stateDir: string): Promise<number> {
  const specs = await listSchedules(stateDir);
  const lines = specs.map((spec) => {
    const when = spec.every ? `every ${spec.every}` : `cron '${spec.cron}'`;
    const next = nextRuns(spec.cron, 1)[0]?.toISOString() ?? '-';
    const playbooks = spec.playbooks.map((path) => path.split('/').at(-1)).join(',');
    return `${spec.name}  ${spec.checkOnly ? 'check' : 'apply'}  ${when}  next ${next}  ${playbooks}  ${where(spec)}`;
  });
  lines.push(`${specs.length} schedule${specs.length === 1 ? '' : 's'} in ${stateDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export async function runScheduleRemove(argv: ScheduleNameArgs): Promise<number> {
  const spec = await loadSchedule(argv['state-dir'], argv.name);
  const done = await uninstall(spec);
  await deleteSchedule(argv['state-dir'], spec.name);
  process.stdout.write(
    `${[...done, `removed schedule ${spec.name} (its history and reports stay)`].join('\n')}\n`,
  );
  return 0;
}
