// The door of src/schedule: schedules as data, their timers and crontab lines, locks, shards.
export { cronToOnCalendar } from './calendar.js';
export { everyToCron, nextRuns, parseCron } from './cron.js';
export { cronMarker, crontabLine, withCrontabLine, withoutCrontabLine } from './crontab.js';
export { formatDuration, parseDuration } from './duration.js';
export {
  defaultUnitDir,
  type InstallReport,
  installCron,
  installSystemd,
  netfixBin,
  scheduledCommand,
  systemdIsRunning,
  uninstall,
} from './install.js';
export { acquireLock, type LockHolder, type LockOutcome } from './lock.js';
export { runOnDrift } from './on-drift.js';
export { formatShard, parseShard, type Shard, selectShard, shardOf } from './shard.js';
export { type Installed, type ScheduleSpec, scheduleNamePattern, scheduleSpecSchema } from './spec.js';
export { defaultStateDir, statePaths } from './state-dir.js';
export { deleteSchedule, listSchedules, loadSchedule, readScheduleFile, saveSchedule } from './store.js';
export { renderUnits, systemdQuote, unitNames } from './systemd-units.js';
