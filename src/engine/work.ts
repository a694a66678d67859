import type { AnyModule } from '../modules/index.js';
import type { PlayRollout } from '../playbook/index.js';
import type { BecomeSpec, ConnectTarget, Transport } from '../ssh/transport.js';
import type { HostResult, TaskResult } from './result.js';

// What the engine is given: per host, the plays that apply to it with rendered, validated params.

export interface TaskWork {
  name: string;
  module: AnyModule;
  /** Output of module.params (validated when the playbook loaded). */
  params: unknown;
  notify: string[];
  timeoutSec?: number | undefined;
  /** file:line:col, for reports. */
  source: string;
  /** `no_log: true`: reports hide what the task found and changed (the engine does not read it). */
  noLog?: boolean | undefined;
}

export interface PlayWork {
  /** The same on every host that runs the play: `<file>#plays[0]`. */
  id: string;
  name: string;
  rollout?: PlayRollout | undefined;
  become: BecomeSpec | undefined;
  tasks: TaskWork[];
  handlers: TaskWork[];
}

export interface HostWork {
  name: string;
  target: ConnectTarget;
  plays: PlayWork[];
  /** Values of the variables named by --secret-vars on this host, to hide in every output (not read by the engine). */
  secretValues?: string[] | undefined;
}

export type EngineEvent =
  | { type: 'host-start'; host: string }
  | { type: 'task-done'; host: string; task: TaskResult }
  | { type: 'host-done'; host: string; result: HostResult };

export interface EngineOptions {
  check: boolean;
  /** Default per-command deadline; a task's `timeout` overrides it for its apply. */
  commandTimeoutMs: number;
  forks: number;
  connect(target: ConnectTarget): Promise<Transport>;
  /**
   * Aborted on Ctrl-C (or by a rollout rule): no new host or task starts; running commands
   * finish or time out. A string reason is what skipped tasks say.
   */
  signal?: AbortSignal | undefined;
  /** `--max-runtime`: epoch ms after which nothing starts and running commands time out. */
  deadline?: number | undefined;
  /** `--host-timeout`: the most one host may take, all its plays together. */
  hostTimeoutMs?: number | undefined;
  /** `--batch-pause`: wait between two batches of a `serial` play. */
  batchPauseMs?: number | undefined;
  /** Run notified handlers on a host after a later task failed (a play's `force_handlers` wins). */
  forceHandlers?: boolean | undefined;
  onEvent?: ((event: EngineEvent) => void) | undefined;
}
