import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { TemplateFormat } from './formats.js';
import type { ReportView } from './report-view.js';

// Markdown and HTML reports are handlebars templates (templates/report/), replaceable with
// --report-template. One isolated handlebars environment, helpers registered once. Templates
// compile in strict mode: a misspelt field fails the render instead of printing nothing. HTML
// escapes every value (diffs and remote output hold `<`); Markdown does its own escaping
// through the helpers below, since HTML entities would show in its code blocks.

const handlebars = Handlebars.create();

/** `|` would end a table cell and a newline the row; `<` could open raw HTML. */
function markdownInline(value: unknown): string {
  return String(value ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, '<br>');
}

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
function codeBlock(text: unknown, language: unknown): string {
  const body = String(text ?? '').trimEnd();
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${typeof language === 'string' ? language : ''}\n${body}\n${fence}`;
}

/** An inline code span that no backtick inside can end; newlines become spaces. */
function codeSpan(value: unknown): string {
  const body = String(value ?? '').replace(/\r?\n/g, ' ');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

function indent(text: unknown, spaces: unknown): string {
  const pad = ' '.repeat(Number(spaces) || 0);
  return String(text ?? '')
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

handlebars.registerHelper('md', (value: unknown) => markdownInline(value));
handlebars.registerHelper('codeBlock', (text: unknown, language: unknown) => codeBlock(text, language));
handlebars.registerHelper('code', (value: unknown) => codeSpan(value));
handlebars.registerHelper('indent', (text: unknown, spaces: unknown) => indent(text, spaces));
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
handlebars.registerHelper('plural', (count: unknown, noun: unknown) => {
  const n = Number(count);
  return `${n} ${String(noun)}${n === 1 ? '' : 's'}`;
});

// src/report, dist/report and the bundle, dist/bundle, are all two levels below the package root.
const templateDir = new URL('../../templates/report/', import.meta.url);

/** Where the built-in template of a format lives (templates/report/ of the netfix package). */
export function defaultTemplatePath(format: TemplateFormat): string {
  return fileURLToPath(new URL(`report.${format}.hbs`, templateDir));
}

export type ReportTemplate = (view: ReportView) => string;

/** Reads and compiles a template; throws with the file name on a syntax error. */
export function loadReportTemplate(
  format: TemplateFormat,
  path = defaultTemplatePath(format),
): ReportTemplate {
  const source = readFileSync(path, 'utf8');
  let render: HandlebarsTemplateDelegate<ReportView>;
  try {
    // compile() defers parsing to the first call: parse now, so a broken template fails before a run.
    const program = handlebars.parse(source);
    render = handlebars.compile<ReportView>(program, { strict: true, noEscape: format === 'md' });
  } catch (error) {
    throw new Error(`${path}: ${firstLine(error)}`);
  }
  return (view) => {
    try {
      return render(view);
    } catch (error) {
      throw new Error(`${path}: ${firstLine(error)}`);
    }
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
