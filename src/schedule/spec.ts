import { z } from 'zod';

// What `schedule add` stores and `schedule run` reads: everything a run needs, so the timer's
// command line is only `schedule run NAME --state-dir DIR` and a run by hand is the same run.

export const scheduleNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const installedSchema = z.discriminatedUnion('backend', [
  z.object({
    backend: z.literal('systemd'),
    unitDir: z.string(),
    user: z.boolean(),
    /** systemctl enable --now ran (systemd was running and unitDir is the one it reads). */
    activated: z.boolean(),
  }),
  z.object({
    backend: z.literal('cron'),
    /** A crontab file written directly; absent: the user's crontab through crontab(1). */
    crontabFile: z.string().optional(),
  }),
  /** Exported as a Kubernetes CronJob: nothing installed on this machine. */
  z.object({ backend: z.literal('kubernetes') }),
]);

export const scheduleSpecSchema = z.object({
  version: z.literal(1),
  name: z.string().regex(scheduleNamePattern),
  inventories: z.array(z.string()).min(1),
  playbooks: z.array(z.string()).min(1),
  limit: z.string().optional(),
  extraVars: z.array(z.string()),
  /** Classic 5-field cron expression; `--every` is stored translated. */
  cron: z.string(),
  /** As the operator wrote it, for `schedule list`. */
  every: z.string().optional(),
  checkOnly: z.boolean(),
  onDrift: z.string().optional(),
  maxRuntimeSec: z.number().int().positive().optional(),
  jitterSec: z.number().int().nonnegative(),
  /** postgres:// URL or SQLite file; absent: NETFIX_HISTORY_URL, else the default SQLite file. */
  history: z.string().optional(),
  noHistory: z.boolean(),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).optional(),
  connection: z.object({
    knownHosts: z.string().optional(),
    acceptNewHostKeys: z.boolean(),
    forks: z.number().int().positive().optional(),
    timeoutSec: z.number().positive(),
    connectTimeoutSec: z.number().positive(),
  }),
  installed: installedSchema,
  createdAt: z.string(),
});

export type ScheduleSpec = z.infer<typeof scheduleSpecSchema>;
export type Installed = z.infer<typeof installedSchema>;
