// The door of src/history: record runs, read them back, and tell drift.
export type { SqlDb } from './db.js';
export { type DriftEvent, driftEvents, type Held, settingDrift } from './drift.js';
export { historyPage } from './html.js';
export { type HistoryLocation, historyLocation, isPostgresUrl } from './location.js';
export { latestVersion, migrate } from './migrations.js';
export { openHistory } from './open.js';
export { redactUrl } from './postgres-url.js';
export {
  type HistoryFilter,
  type HostStatusRow,
  loadHostStatuses,
  loadObservations,
  loadRuns,
  type StoredRun,
  type TaskObservation,
} from './query.js';
export { type RecordOutcome, recordRunHistory } from './record.js';
export { historyRows, type RunMeta } from './rows.js';
export { driftLines, runLines } from './text.js';
