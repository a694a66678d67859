import type { PositionTable, SourcePosition } from '../input/index.js';
import type { BatchSize } from './schema.js';
import type { TemplatedValue } from './templated-value.js';

/** A string field that may hold `{{ vars }}`, with where it was written. */
export interface TextField {
  value: TemplatedValue;
  source: SourcePosition;
  /** `plays[0].tasks[1].name` */
  field: string;
}

/** A task or handler as loaded: structure checked, templates compiled, nothing rendered yet. */
export interface TaskSpec {
  /** Stable across hosts: `<file>#plays[0].tasks[1]`, for grouping results in reports. */
  id: string;
  name: TextField;
  module: string;
  params: TemplatedValue;
  /** Where each parameter was written, for problems found after per-host rendering. */
  paramPositions: PositionTable;
  /** Module parameters without templates are checked once at load; this is the schema's output. */
  staticParams?: { value: unknown };
  notify: string[];
  timeoutSec?: number;
  /** `no_log: true`: reports show the task's name and status, nothing it found or changed. */
  noLog: boolean;
  source: SourcePosition;
  /** `plays[0].tasks[1]`, and the path of the task in its YAML file. */
  field: string;
  yamlPath: (string | number)[];
  isHandler: boolean;
}

/** How a play rolls out over its hosts: `serial`, `max_fail_percentage`, `any_errors_fatal`, `force_handlers`. */
export interface PlayRollout {
  serial?: BatchSize[];
  maxFailPercentage?: number;
  anyErrorsFatal?: boolean;
  forceHandlers?: boolean;
}

export interface PlaySpec {
  id: string;
  index: number;
  name?: TextField;
  hosts: TextField;
  become?: boolean;
  becomeUser?: string;
  vars: Record<string, unknown>;
  rollout: PlayRollout;
  tasks: TaskSpec[];
  handlers: TaskSpec[];
  source: SourcePosition;
}

export interface LoadedPlaybook {
  file: string;
  plays: PlaySpec[];
}

/** What a report needs to name a task before or without rendering it. */
export interface TaskOutline {
  id: string;
  /** The name as written (templates not rendered: they differ per host). */
  name: string;
  module: string;
  source: SourcePosition;
  isHandler: boolean;
}

/** A task rendered and validated for one host. */
export interface ResolvedTask extends TaskOutline {
  /** The rendered name for this host. */
  name: string;
  /** The output of the module's params schema, after rendering. */
  params: unknown;
  notify: string[];
  timeoutSec?: number;
  noLog: boolean;
}

export interface ResolvedPlay {
  id: string;
  file: string;
  /** Rendered with play vars and extra vars (host vars cannot choose the hosts). */
  name: string;
  /** Selected hosts (after --limit), in inventory order. */
  hosts: string[];
  become: boolean;
  becomeUser?: string;
  tasks: TaskOutline[];
  handlers: TaskOutline[];
  source: SourcePosition;
}

/** One play as one host runs it: what the engine executes. */
export interface ResolvedPlayForHost {
  playId: string;
  name: string;
  /** The inventory's ansible_become / ansible_become_user win over the play's keywords, as in Ansible. */
  become: boolean;
  becomeUser?: string;
  rollout: PlayRollout;
  tasks: ResolvedTask[];
  handlers: ResolvedTask[];
}

export interface ResolveOptions {
  /** `-e name=value`: the highest precedence, always strings. */
  extraVars: Record<string, string>;
  /** `--limit`: a host pattern intersected with every play's hosts. */
  limit?: string;
}
