import type { z } from 'zod';
import type { Sh } from '../shell/index.js';
import type { ProbeRecords } from './shared/probe-records.js';

/** Something a task would change. `plan(...).length > 0` is what "changed" means. */
export interface Change {
  /** One line a person reads in a recap: "load module br_netfilter". */
  summary: string;
  /** For file changes: the path and a unified diff (what --check prints). */
  file?: { path: string; diff: string };
  /** For runtime values: `key: before -> after`. */
  runtime?: { key: string; before: string | null; after: string };
  /**
   * An action with no state to converge on (a restart, a reload, a plain command): every run that
   * plans it makes it. The engine does not expect a second plan, after apply, to drop it.
   */
  repeats?: true;
}

export type ProblemSeverity = 'error' | 'warning';

/** Something wrong that a change does not fix by itself. Errors fail the task; warnings are reported. */
export interface Problem {
  severity: ProblemSeverity;
  message: string;
  expected?: string;
  actual?: string;
}

/** What apply() asks the engine to do. The engine turns these into one remote script. */
export type RemoteStep =
  | { kind: 'exec'; description: string; command: Sh }
  | { kind: 'writeFile'; description: string; path: string; content: string; mode: number }
  | { kind: 'removeFile'; description: string; path: string };

export interface ModuleDefinition<Schema extends z.ZodType, Facts> {
  name: string;
  /** One sentence for `--help` and the JSON Schema. */
  description: string;
  params: Schema;
  /** POSIX sh that prints the facts this task needs, using the probe prelude's nf_* helpers. */
  probe(params: z.output<Schema>): Sh;
  /** Pure: the records the probe printed, to typed facts. */
  parse(records: ProbeRecords, params: z.output<Schema>): Facts;
  /** Pure: problems visible before any change (errors stop the task, in check mode too). */
  inspect(params: z.output<Schema>, facts: Facts): Problem[];
  /** Pure: what would change; [] means the host is already in the desired state. */
  plan(params: z.output<Schema>, facts: Facts): Change[];
  /** Pure: the steps that make the planned changes. Never run in check mode. */
  apply(params: z.output<Schema>, changes: Change[], facts: Facts): RemoteStep[];
  /** Pure: problems left after apply, on re-probed facts. The engine also re-plans. */
  verify(params: z.output<Schema>, facts: Facts): Problem[];
  /**
   * The host state this task's facts depend on and the state its changes write, as names such as
   * `module:br_netfilter`, `modprobe.d`, `sysctl:net.bridge.bridge-nf-call-iptables`. In check
   * mode nothing is changed, so a task that reads what an earlier task would write is planned
   * against a host that will not exist by then: the engine reports it as "may change".
   */
  resources?(params: z.output<Schema>): { reads: string[]; writes: string[] };
  /**
   * Which kinds of host state (`Domain`) this task's probe reads and its apply can alter,
   * directly or as a consequence (a module load creates sysctl keys; a removed blacklist line
   * lets a pending load finish; a service start may do anything). After a change, the engine
   * re-probes only the later tasks whose reads it meets, and plans the others on their earlier
   * facts: so this must over-approximate. A module without it reads and writes everything.
   */
  footprint?(params: z.output<Schema>): Footprint;
}

/**
 * Coarse kinds of host state: `modules` (what is loaded, its parameters, the sysctl keys modules
 * create), `modprobe.d` (kmod's configuration), `boot-modules` (the lists loaded at boot),
 * `sysctl` (live values and the sysctl.d files), `service:<name>`, and `*` for anything.
 */
export type Domain = 'modules' | 'modprobe.d' | 'boot-modules' | 'sysctl' | `service:${string}` | '*';

export interface Footprint {
  reads: readonly Domain[];
  writes: readonly Domain[];
}

/** Identity function: lets TypeScript infer params and facts from the schema and parse(). */
export function defineModule<Schema extends z.ZodType, Facts>(
  definition: ModuleDefinition<Schema, Facts>,
): ModuleDefinition<Schema, Facts> {
  return definition;
}

// The registry stores modules with their types erased; the engine only passes values between a
// module's own functions, so the erased types never meet each other.
// biome-ignore lint/suspicious/noExplicitAny: see above: facts and params are opaque to the engine.
export type AnyModule = ModuleDefinition<z.ZodType, any>;
