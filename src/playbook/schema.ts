import { z } from 'zod';
import { moduleRegistry } from '../modules/index.js';

// One set of field schemas gives the playbook's TypeScript types, the load-time checks and the
// JSON Schema. Two compositions of them exist on purpose:
//   - playbookSchema: what a person writes, module parameters included, strict (JSON Schema);
//   - playbookShapeSchema: what the loader checks first. It leaves module keys open because
//     their parameters may hold templates and are checked per host after rendering, and it lets
//     the loader word unknown keys better than zod can ("'when' is not supported yet").

export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

const userName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/, 'must be a login name (letters, digits, _ . -)');

const batchSizeSchema = z.union(
  [
    z.number().int('must be a whole number of hosts').positive('must be at least 1 host'),
    z.string().regex(/^(100|[1-9][0-9]?)(\.[0-9]+)?%$/, 'must be a percentage from 1% to 100%'),
  ],
  { error: 'must be a number of hosts or a percentage such as "10%"' },
);

/** `serial`: one batch size, or a list of them whose last repeats. */
export const serialSchema = z.union(
  [batchSizeSchema, z.array(batchSizeSchema).min(1, 'needs at least one batch size')],
  {
    error: 'must be a number of hosts, a percentage such as "10%", or a list of them',
  },
);

export type BatchSize = z.output<typeof batchSizeSchema>;

export const taskFieldsShape = {
  name: z
    .string()
    .min(1, 'a task needs a name')
    .describe('What the task does; shown in reports. May use {{ vars }}.'),
  notify: z
    .union([z.string().min(1), z.array(z.string().min(1))], {
      error: 'must be a handler name or a list of them',
    })
    .optional()
    .describe('Handler(s) of this play to run once at the end of the play when this task changed something.'),
  timeout: z
    .number()
    .int('must be a whole number of seconds')
    .positive('must be at least 1 second')
    .optional()
    .describe('Seconds this task may take on a host before it fails.'),
  no_log: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .describe(
      'Hide what this task would change or changed, its diffs, problem values and remote output in every output and report: only its name and status show.',
    ),
} as const;

function playFieldsShape<Task extends z.ZodType>(task: Task) {
  return {
    name: z
      .string()
      .optional()
      .describe('Shown in reports (default: the hosts pattern). May use {{ vars }}.'),
    hosts: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
        error: 'must be a host pattern or a list of them',
      })
      .describe(
        'Ansible host pattern: all, groups, hosts, globs, a:b unions, a:&b intersections, a:!b exclusions.',
      ),
    become: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe('Run tasks as root through sudo -n.'),
    become_user: userName.optional().describe('User to become instead of root.'),
    gather_facts: z
      .boolean()
      .optional()
      .describe(
        'Accepted for Ansible compatibility and ignored: netfix probes only the facts its tasks need.',
      ),
    serial: serialSchema
      .optional()
      .describe(
        'Roll out in batches: a host count, a percentage of the play\'s hosts ("10%"), or a list of them (the last repeats), as in Ansible. Each batch finishes the play before the next starts.',
      ),
    max_fail_percentage: z
      .number({ error: 'must be a number from 0 to 100' })
      .min(0, 'must be a number from 0 to 100')
      .max(100, 'must be a number from 0 to 100')
      .optional()
      .describe(
        'Stop the run when more than this percentage of a batch failed; later batches and plays do not start.',
      ),
    any_errors_fatal: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe(
        'Stop the run at the first failed host: no new task starts on any host, later batches and plays do not start.',
      ),
    force_handlers: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe(
        "Run notified handlers on a host even when a later task failed there (default true in netfix; false is Ansible's default).",
      ),
    vars: z
      .record(
        z.string().regex(variableNamePattern, `variable names must match ${variableNamePattern}`),
        z.unknown(),
      )
      .nullable()
      .optional()
      .describe('Variables for templates; override inventory variables, overridden by -e.'),
    tasks: z.array(task).nullable().optional().describe('Tasks, run in order.'),
    handlers: z
      .array(task)
      .nullable()
      .optional()
      .describe('Tasks run once at the end of the play when notified.'),
  };
}

// --- What the loader checks first: module keys open (see above). ---
export const taskShapeSchema = z.looseObject(taskFieldsShape);
export const playShapeSchema = z.looseObject(playFieldsShape(taskShapeSchema));
export const playbookShapeSchema = z.array(playShapeSchema, { error: 'a playbook is a list of plays' });

export type TaskInput = z.input<typeof taskShapeSchema>;
export type PlayInput = z.input<typeof playShapeSchema>;

/** Field names a task or play may have besides a module: for "did you mean" and key checks. */
export const taskFieldNames: readonly string[] = Object.keys(taskFieldsShape);
export const playFieldNames: readonly string[] = Object.keys(playShapeSchema.shape);

// --- What a person writes, for the JSON Schema: each module's parameters under its name. ---
let authoringSchema: ReturnType<typeof composeAuthoringSchema> | undefined;

/** Built once: the module registry does not change, and the task's `id` must be registered once. */
export function buildPlaybookSchema() {
  authoringSchema ??= composeAuthoringSchema();
  return authoringSchema;
}

function composeAuthoringSchema() {
  const moduleKeys = Object.fromEntries(
    [...moduleRegistry.values()].map((module) => [
      module.name,
      module.params.optional().describe(module.description),
    ]),
  );
  // The id makes tasks and handlers share one definition ($defs/task) in the JSON Schema.
  const task = z
    .strictObject({ ...taskFieldsShape, ...moduleKeys })
    .meta({ id: 'task', description: 'A task: a name and exactly one module.' });
  const play = z
    .strictObject(playFieldsShape(task))
    .describe('A play: tasks to run on the hosts a pattern selects.');
  return { task, play, playbook: z.array(play).describe('netfix playbook (Ansible-shaped).') };
}
