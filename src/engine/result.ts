import { z } from 'zod';

// The run result is data: every renderer (recap, JSON report, later Markdown/HTML/JUnit) reads
// it. The zod schema gives both the type and the JSON Schema of `--report FILE.json`.

export const RUN_RESULT_SCHEMA_VERSION = 1;

const changeSchema = z.object({
  summary: z.string(),
  file: z.object({ path: z.string(), diff: z.string() }).optional(),
  runtime: z.object({ key: z.string(), before: z.string().nullable(), after: z.string() }).optional(),
  repeats: z.literal(true).optional().describe('made on every run that plans it (restart, reload, command)'),
});

const problemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  expected: z.string().optional(),
  actual: z.string().optional(),
});

/**
 * ok: checked, nothing to do. changed: changed and verified. would_change: check mode, a change
 * is planned. may_change: check mode, planned against facts an earlier would-change task would
 * alter first (the reason is in problems). failed. skipped: not checked.
 */
export const taskStatusSchema = z.enum(['ok', 'changed', 'would_change', 'may_change', 'failed', 'skipped']);

export const taskResultSchema = z.object({
  play: z.string(),
  name: z.string(),
  module: z.string(),
  handler: z.boolean(),
  source: z.string().describe('file:line:col of the task'),
  status: taskStatusSchema,
  changes: z.array(changeSchema),
  problems: z.array(problemSchema),
  /** Remote output of a failed step or a timed-out command. */
  output: z.string().optional(),
  durationMs: z.number(),
});

/** skipped: never started (a stop rule of a `serial` play, or an interrupt, came first). */
export const hostStatusSchema = z.enum(['ok', 'changed', 'failed', 'unreachable', 'skipped']);

export const hostResultSchema = z.object({
  name: z.string(),
  address: z.string(),
  status: hostStatusSchema,
  /** Why the host failed or could not be reached, in one line. */
  error: z.string().optional(),
  stats: z.object({
    connects: z.number(),
    execs: z.number(),
    bytesSent: z.number(),
    bytesReceived: z.number(),
  }),
  tasks: z.array(taskResultSchema),
  durationMs: z.number(),
});

export const runResultSchema = z.object({
  schemaVersion: z.literal(RUN_RESULT_SCHEMA_VERSION),
  netfixVersion: z.string(),
  mode: z.enum(['apply', 'check']),
  startedAt: z.string(),
  durationMs: z.number(),
  interrupted: z.boolean(),
  stopped: z
    .string()
    .optional()
    .describe(
      'Why the run stopped before every host was done: max_fail_percentage, any_errors_fatal, --max-runtime.',
    ),
  hosts: z.array(hostResultSchema),
});

export type ChangeRecord = z.infer<typeof changeSchema>;
export type ProblemRecord = z.infer<typeof problemSchema>;
export type TaskStatus = z.infer<typeof taskStatusSchema>;
export type TaskResult = z.infer<typeof taskResultSchema>;
export type HostStatus = z.infer<typeof hostStatusSchema>;
export type HostResult = z.infer<typeof hostResultSchema>;
export type RunResult = z.infer<typeof runResultSchema>;
