import type { AnyModule } from '../modules/index.js';
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
  name: string;
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
  /** Aborted on Ctrl-C: no new host or task starts; running commands finish or time out. */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: EngineEvent) => void) | undefined;
}
