import type { RunResult } from '../engine/index.js';
import { type ReportFormat, reportTargets, type TemplateFormat, templateFormatOf } from './formats.js';
import { writeReportFile } from './json-report.js';
import { type Renderer, reportRenderer } from './render.js';

// The --report files of one run, checked before any host is contacted: an unknown extension or
// a template that does not compile is an input error, not a surprise after an hour-long run.

export interface ReportFile {
  path: string;
  format: ReportFormat;
  /** Absent for .jsonl, which is streamed instead. */
  render?: Renderer;
}

export interface ReportFileOptions {
  paths: readonly string[];
  templatePaths: readonly string[];
  failOnChange: boolean;
}

export function prepareReportFiles(options: ReportFileOptions): {
  files: ReportFile[];
  problems: { flag: string; message: string }[];
} {
  const problems: { flag: string; message: string }[] = [];
  const templates: Partial<Record<TemplateFormat, string>> = {};
  for (const path of options.templatePaths) {
    const format = templateFormatOf(path);
    if (format) templates[format] = path;
    else
      problems.push({
        flag: '--report-template',
        message: `'${path}': name it NAME.html.hbs or NAME.md.hbs`,
      });
  }
  const { targets, errors } = reportTargets(options.paths);
  problems.push(...errors.map((message) => ({ flag: '--report', message })));
  const files: ReportFile[] = [];
  for (const target of targets) {
    if (target.format === 'jsonl') {
      files.push(target);
      continue;
    }
    try {
      files.push({
        ...target,
        render: reportRenderer(target.format, { templates, failOnChange: options.failOnChange }),
      });
    } catch (error) {
      problems.push({
        flag: '--report-template',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { files, problems };
}

/** Writes every rendered report; a template that fails on this data fails only its own file. */
export async function writeReportFiles(files: readonly ReportFile[], result: RunResult): Promise<string[]> {
  const failures: string[] = [];
  for (const file of files) {
    if (!file.render) continue;
    try {
      await writeReportFile(file.path, file.render(result));
    } catch (error) {
      failures.push(`${file.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures;
}
