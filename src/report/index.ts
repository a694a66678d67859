export { writeJsonReport } from './json-report.js';
export { type Progress, plainProgress, ttyProgress } from './progress.js';
export { countTasks, pendingChangesLines, recapLines, summarize, taskLine } from './recap.js';
