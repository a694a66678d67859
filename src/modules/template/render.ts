import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import Handlebars from 'handlebars';

// Config-file templates: handlebars with `strict` (an undefined variable is an error, never an
// empty string) and `noEscape` (config files are not HTML: `=` and quotes stay as written).
// An isolated instance, so nothing registered elsewhere changes how a file renders.
const handlebars = Handlebars.create();
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Relative `src` is looked up in `templates/` under the directory netfix runs in. */
export function templatePath(src: string, cwd = process.cwd()): string {
  return isAbsolute(src) ? src : resolve(cwd, 'templates', src);
}

export type RenderResult = { content: string } | { error: string };

/** Reads and renders a template file. Compiled once per distinct text: hosts share it. */
export function renderTemplateFile(src: string, vars: Record<string, unknown>): RenderResult {
  const path = templatePath(src);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      error: `cannot read template ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    };
  }
  return renderTemplateText(text, vars, path);
}

/** Pure apart from the compile cache: renders `text` with `vars`; `name` is for messages. */
export function renderTemplateText(text: string, vars: Record<string, unknown>, name: string): RenderResult {
  let render = compiled.get(text);
  try {
    if (!render) {
      render = handlebars.compile(text, { strict: true, noEscape: true });
      compiled.set(text, render);
    }
    const content = render(vars);
    if (content.includes('\0'))
      return { error: `template ${name} renders a NUL byte: netfix writes text files` };
    return { content };
  } catch (error) {
    return { error: `template ${name}: ${explain((error as Error).message)}` };
  }
}

/** Handlebars' messages, shortened to what a person fixes: the variable and the line. */
function explain(message: string): string {
  const missing = /^"([^"]+)" not defined in .* - (\d+):\d+/.exec(message);
  if (missing) return `undefined variable '${missing[1]}' on line ${missing[2]} (give it in vars)`;
  const parse = /^Parse error on line (\d+)/.exec(message);
  if (parse) {
    const got = /got '([^']+)'/.exec(message)?.[1];
    return `syntax error on line ${parse[1]}${got ? ` (unexpected ${got})` : ''}`;
  }
  return message.split('\n')[0] ?? message;
}
