import { resolve } from 'node:path';
import { loadSchedule, readScheduleFile } from '../schedule/index.js';
import { runScheduled } from './run-scheduled.js';
import type { ScheduleRunArgs } from './schedule.js';

export async function runScheduleRun(argv: ScheduleRunArgs): Promise<number> {
  const spec = argv.spec
    ? await readScheduleFile(resolve(argv.spec))
    : await loadSchedule(argv['state-dir'], argv.name);
  return runScheduled({
    spec,
    stateDir: argv['state-dir'],
    shard: argv.shard,
    history: argv.history,
    fromCron: argv['from-cron'],
  });
}
