export { writeJsonReport } from './json-report.js';
export { type Progress, plainProgress, ttyProgress } from './progress.js';
export { countTasks, groupedChangesLines, recapLines, summarize, taskLine } from './recap.js';
