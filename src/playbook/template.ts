import Handlebars from 'handlebars';

// `{{ var }}` in playbooks is Handlebars, compiled once at load (syntax errors point at the
// string) and rendered per host. An undefined or null variable is an error naming the
// variable, never an empty string: an empty module name would otherwise reach a host.

// An isolated environment: nothing registered on the global Handlebars can change rendering.
const handlebars = Handlebars.create();

export interface CompiledTemplate {
  text: string;
  /** Set when the whole string is one `{{ path }}`: it renders to the variable's own value. */
  wholeValue?: string[];
  /** Plain `{{ path }}` references outside blocks, checked before rendering for precise messages. */
  references: string[][];
  render: HandlebarsTemplateDelegate;
}

export type Rendered = { value: unknown } | { error: string };

export function isTemplate(text: string): boolean {
  return text.includes('{{');
}

export function compileTemplate(text: string): { template: CompiledTemplate } | { error: string } {
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(text);
  } catch (error) {
    return { error: syntaxError(text, (error as Error).message) };
  }
  const only = program.body.length === 1 ? program.body[0] : undefined;
  const whole = only && plainReference(only);
  return {
    template: {
      text,
      ...(whole ? { wholeValue: whole } : {}),
      references: referencesIn(program),
      render: handlebars.compile(program, { strict: true, noEscape: true }),
    },
  };
}

/**
 * A template alone in its string (`params: "{{ br_params }}"`) yields the variable's value with
 * its type, as Ansible does, so a number stays a number and a mapping stays a mapping.
 * Anything else renders to a string.
 */
export function renderTemplate(template: CompiledTemplate, context: Record<string, unknown>): Rendered {
  for (const reference of template.references) {
    const value = lookup(context, reference);
    if (value === undefined) return { error: `undefined variable '${reference.join('.')}'` };
    if (value === null) return { error: `variable '${reference.join('.')}' is null` };
  }
  if (template.wholeValue) return { value: lookup(context, template.wholeValue) };
  try {
    return { value: template.render(context) };
  } catch (error) {
    const message = (error as Error).message;
    // Strict mode's own wording, for references inside blocks the check above does not enter.
    const undefinedName = /^"([^"]+)" not defined/.exec(message)?.[1];
    return {
      error: undefinedName ? `undefined variable '${undefinedName}'` : `template: ${firstLine(message)}`,
    };
  }
}

function lookup(context: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = context;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function plainReference(statement: hbs.AST.Statement): string[] | undefined {
  if (statement.type !== 'MustacheStatement') return undefined;
  const mustache = statement as hbs.AST.MustacheStatement;
  if (mustache.params.length > 0 || mustache.hash || mustache.path.type !== 'PathExpression')
    return undefined;
  const path = mustache.path as hbs.AST.PathExpression;
  if (path.data || path.depth > 0 || path.parts.length === 0 || path.original.startsWith('this'))
    return undefined;
  return path.parts;
}

/**
 * References in the root context, outside blocks: those are always rendered. References inside
 * `{{#if}}` may legitimately be undefined when the condition is false, so strict mode checks
 * them as it renders.
 */
function referencesIn(program: hbs.AST.Program): string[][] {
  return program.body.flatMap((statement) => {
    const reference = plainReference(statement);
    return reference ? [reference] : [];
  });
}

/**
 * Handlebars' parse errors are several lines with an ASCII caret and a list of token names;
 * keep the line and the token it choked on, and name the usual cause when porting from Ansible.
 */
function syntaxError(text: string, message: string): string {
  const line = /on line (\d+)/.exec(message)?.[1];
  const got = /got '([A-Z_]+)'/.exec(message)?.[1];
  const where = line ? ` on line ${line} of the string` : '';
  const jinja = /\||\{%/.test(text)
    ? ": Jinja filters and tags ('|', '{%') do not exist in netfix templates"
    : '';
  return `template syntax error${where}${got ? ` (unexpected ${got})` : ''}${jinja}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
