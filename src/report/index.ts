export { writeJsonReport } from './json-report.js';
export { plainProgress, type Progress, ttyProgress } from './progress.js';
export { countTasks, pendingChangesLines, recapLines, summarize, taskLine } from './recap.js';
