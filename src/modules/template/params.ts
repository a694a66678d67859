import { z } from 'zod';
import { namePatterns } from '../../shell/index.js';
import { renderTemplateFile } from './render.js';

// The contract gives modules their params only, never the host's variables. So the file is
// rendered here, while params are validated: the playbook layer validates a task's params once at
// load when they hold no {{ }}, else once per host after rendering them with that host's
// variables. `vars` is how host variables reach the file: `vars: { hashsize: "{{ hashsize }}" }`.
// Reading a file inside a schema is impure; the trade-off is written up in the README section.

const hostPath = z
  .string()
  .regex(
    namePatterns.hostPath,
    `must be an absolute path to a file on the host matching ${namePatterns.hostPath} (no spaces, quotes, shell syntax, '.' or '..')`,
  );

// Login and group names as useradd accepts them; a name never starts with a digit, so a string
// of digits is an id.
const ownerName = z
  .union([
    z.string().regex(/^([A-Za-z_][A-Za-z0-9_.-]{0,31}\$?|\d+)$/, 'must be a user/group name or a numeric id'),
    z.number().int().nonnegative(),
  ])
  .transform(String);

// YAML 1.2 reads `mode: 0644` as the number 644: its digits are taken as octal, as people mean them.
const fileMode = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(/^0?[0-7]{3,4}$/, "must be an octal mode such as '0644' (quote it in YAML)"))
  .transform((digits) => Number.parseInt(digits, 8));

function climbsOut(src: string): boolean {
  return src.split('/').includes('..');
}

export const templateParams = z
  .strictObject({
    dest: hostPath.describe('Absolute path of the file on the host.'),
    src: z
      .string()
      .min(1)
      // A relative src stays inside templates/: `../../etc/shadow` would copy a controller file to hosts.
      .refine((src) => !climbsOut(src), "must not contain '..': keep templates inside templates/")
      .optional()
      .describe('Handlebars file, relative to templates/ in the directory netfix runs in (or absolute).'),
    vars: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'), z.unknown())
      .optional()
      .describe('Variables for src; values may be {{ templates }}, rendered per host.'),
    content: z
      .string()
      .optional()
      .describe(
        'The file content inline instead of src; {{ vars }} in it are rendered per host with every variable.',
      ),
    mode: fileMode.optional().describe("Octal mode, e.g. '0644' (default for new files: 0644; else kept)."),
    owner: ownerName.optional().describe('User name or uid (default: kept; root for new files).'),
    group: ownerName.optional().describe('Group name or gid (default: kept).'),
  })
  .superRefine((params, context) => {
    if ((params.src === undefined) === (params.content === undefined))
      context.addIssue({ code: 'custom', message: 'give either src or content', path: [] });
    else if (params.content !== undefined && params.vars !== undefined)
      context.addIssue({
        code: 'custom',
        message: 'vars are for src; content is already rendered with every variable of the host',
        path: ['vars'],
      });
    // A failed field check does not stop this refinement: never read a file that the check refused.
    else if (params.src !== undefined && !climbsOut(params.src)) {
      const rendered = renderTemplateFile(params.src, params.vars ?? {});
      if ('error' in rendered) context.addIssue({ code: 'custom', message: rendered.error, path: ['src'] });
    }
  })
  // The rendered text goes into `content`, so that every later phase reads one field. overwrite
  // (not transform) keeps this a plain object schema: its shape is what the JSON Schema and
  // "did you mean" read. It cannot report issues, so the check above rendered once already
  // (the compiled template is cached, the file is small).
  .overwrite((params) => {
    if (params.src === undefined || params.content !== undefined || climbsOut(params.src)) return params;
    const rendered = renderTemplateFile(params.src, params.vars ?? {});
    return 'error' in rendered ? params : { ...params, content: rendered.content };
  });

export type TemplateParams = z.output<typeof templateParams>;

/** The file's text: set by the schema from src, or given inline. */
export function renderedContent(params: TemplateParams): string {
  if (params.content === undefined) throw new Error(`template ${params.dest}: params were not rendered`);
  return params.content;
}

/** A numeric id, or a name the host resolves. */
export function isNumericId(value: string): boolean {
  return /^\d+$/.test(value);
}
