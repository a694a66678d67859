import type { RunResult } from '../engine/index.js';
import type { ReportFormat, TemplateFormat } from './formats.js';
import { renderJson } from './json-report.js';
import { renderJunit } from './junit.js';
import { buildReportView } from './report-view.js';
import { sampleRunResult } from './sample-result.js';
import { loadReportTemplate, type ReportTemplate } from './templates.js';

// Every report but the streamed .jsonl is a pure function of the (already redacted) run result.

export interface RenderOptions {
  /** --report-template files by the format they render. */
  templates?: Partial<Record<TemplateFormat, string>> | undefined;
  failOnChange?: boolean | undefined;
}

export type Renderer = (result: RunResult) => string;

/** Loads templates now, so a broken one fails before any host is contacted. */
export function reportRenderer(
  format: Exclude<ReportFormat, 'jsonl'>,
  options: RenderOptions = {},
): Renderer {
  switch (format) {
    case 'json':
      return renderJson;
    case 'xml':
      return (result) => renderJunit(result, { failOnChange: options.failOnChange ?? false });
    case 'md':
    case 'html': {
      const template: ReportTemplate = loadReportTemplate(format, options.templates?.[format]);
      // Strict mode finds a misspelt field only when rendering: render once now, on sample data.
      template(buildReportView(sampleRunResult('check')));
      template(buildReportView(sampleRunResult('apply')));
      return (result) => template(buildReportView(result));
    }
  }
}
