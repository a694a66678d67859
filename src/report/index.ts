export {
  type ReportFormat,
  type ReportTarget,
  reportFormatOf,
  reportTargets,
  type TemplateFormat,
  templateFormatOf,
} from './formats.js';
export { changeGroups, failureGroups, type HostGroup, hostListText, warningGroups } from './host-groups.js';
export { renderJson, writeJsonReport, writeReportFile } from './json-report.js';
export { type JsonlReport, openJsonlReport } from './jsonl-report.js';
export { renderJunit } from './junit.js';
export { type Progress, plainProgress, ttyProgress } from './progress.js';
export {
  countTasks,
  groupedChangesLines,
  groupedProblemsLines,
  recapLines,
  summarize,
  taskLine,
} from './recap.js';
export { createRedactor, hideTaskDetails, NO_LOG_TEXT, type Redactor, SECRET_MASK } from './redact.js';
export { type Renderer, type RenderOptions, reportRenderer } from './render.js';
export { prepareReportFiles, type ReportFile, writeReportFiles } from './report-files.js';
export { buildReportView, type ReportView } from './report-view.js';
export { defaultTemplatePath, loadReportTemplate } from './templates.js';
