import { basename, extname } from 'node:path';

// `--report FILE` takes its format from the file's extension, so one flag, repeated, writes
// every report a pipeline wants from one run.

export const reportFormats = ['json', 'jsonl', 'md', 'html', 'xml'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** The formats a handlebars template renders (`--report-template`). */
export type TemplateFormat = 'md' | 'html';

const formatByExtension: Record<string, ReportFormat> = {
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.md': 'md',
  '.markdown': 'md',
  '.html': 'html',
  '.htm': 'html',
  '.xml': 'xml',
};

export interface ReportTarget {
  path: string;
  format: ReportFormat;
}

export function reportFormatOf(path: string): ReportFormat | undefined {
  return formatByExtension[extname(path).toLowerCase()];
}

export function reportTargets(paths: readonly string[]): { targets: ReportTarget[]; errors: string[] } {
  const targets: ReportTarget[] = [];
  const errors: string[] = [];
  for (const path of paths) {
    const format = reportFormatOf(path);
    if (format) targets.push({ path, format });
    else
      errors.push(
        `'${path}': the extension names the format: .json (run result), .jsonl (events as they happen), .md, .html, .xml (JUnit)`,
      );
  }
  return { targets, errors };
}

/** `mine.html.hbs` (or `mine.html`) overrides the HTML template; `mine.md.hbs` the Markdown one. */
export function templateFormatOf(path: string): TemplateFormat | undefined {
  const name = basename(path)
    .toLowerCase()
    .replace(/\.hbs$/, '');
  const format = reportFormatOf(name);
  return format === 'md' || format === 'html' ? format : undefined;
}
