import type { InputProblem } from '../errors.js';
import {
  formatFieldPath,
  type HostProblem,
  locatorFromTable,
  mergeHostProblems,
  problemsFromZodIssues,
  sortProblems,
} from '../input/index.js';
import { type Inventory, type InventoryHost, selectHosts } from '../inventory/index.js';
import { moduleRegistry } from '../modules/index.js';
import { renderValue } from './templated-value.js';
import type {
  LoadedPlaybook,
  PlaySpec,
  ResolvedPlay,
  ResolvedPlayForHost,
  ResolvedTask,
  ResolveOptions,
  TaskOutline,
  TaskSpec,
  TextField,
} from './types.js';

export interface Resolution {
  plays: ResolvedPlay[];
  /** Per host (inventory order), the plays that apply to it, in playbook order, fully rendered. */
  tasksByHost: Map<string, ResolvedPlayForHost[]>;
  /** When not empty, nothing may run: some host would get a task that is not valid. */
  problems: InputProblem[];
}

/**
 * Selects each play's hosts, renders every template per host and checks module parameters
 * after rendering. Variable precedence, lowest first: inventory vars, play vars, -e extra vars;
 * `inventory_hostname` and `group_names` are set by netfix. Play `hosts` and `name` see only
 * play vars and extra vars: the hosts are not chosen yet when they render.
 */
export function resolvePlays(
  playbooks: readonly LoadedPlaybook[],
  inventory: Inventory,
  options: ResolveOptions,
): Resolution {
  const problems: InputProblem[] = [];
  const hostProblems: HostProblem[] = [];
  const limited = options.limit === undefined ? undefined : selectHosts(inventory, options.limit);
  for (const message of limited?.problems ?? [])
    problems.push({ file: '--limit', line: 0, col: 0, field: '', message });
  const allowed = limited && new Set(limited.hosts);

  const plays: ResolvedPlay[] = [];
  const tasksByHost = new Map<string, ResolvedPlayForHost[]>();
  for (const playbook of playbooks) {
    for (const play of playbook.plays) {
      const playContext = { ...play.vars, ...options.extraVars };
      const pattern = renderText(play.hosts, playContext);
      const name = play.name ? renderText(play.name, playContext) : pattern;
      for (const rendered of [pattern, name]) if ('problem' in rendered) problems.push(rendered.problem);
      if ('problem' in pattern) continue;
      const selected = selectHosts(inventory, String(pattern.value));
      problems.push(
        ...selected.problems.map((message) => ({ ...play.hosts.source, field: play.hosts.field, message })),
      );
      const hosts = allowed ? selected.hosts.filter((host) => allowed.has(host)) : selected.hosts;
      plays.push({
        id: play.id,
        file: playbook.file,
        name: 'value' in name ? String(name.value) : play.hosts.field,
        hosts,
        become: play.become ?? false,
        ...(play.becomeUser === undefined ? {} : { becomeUser: play.becomeUser }),
        tasks: play.tasks.map(outlineOf),
        handlers: play.handlers.map(outlineOf),
        source: play.source,
      });
      for (const hostName of hosts) {
        const host = inventory.hosts.get(hostName)!;
        const forHost = resolvePlayForHost(
          play,
          host,
          options.extraVars,
          'value' in name ? String(name.value) : '',
        );
        hostProblems.push(...forHost.problems.map((problem) => ({ host: hostName, problem })));
        tasksByHost.set(hostName, [...(tasksByHost.get(hostName) ?? []), forHost.play]);
      }
    }
  }
  if (limited && limited.problems.length === 0 && plays.every((play) => play.hosts.length === 0)) {
    problems.push({
      file: '--limit',
      line: 0,
      col: 0,
      field: '',
      message: `'${options.limit}' leaves no host in any play`,
    });
  }
  problems.push(...mergeHostProblems(hostProblems));
  const byInventoryOrder = new Map(
    [...inventory.hosts.keys()].flatMap((host) => {
      const runs = tasksByHost.get(host);
      return runs ? [[host, runs] as const] : [];
    }),
  );
  return {
    plays,
    tasksByHost: byInventoryOrder,
    problems: sortProblems(
      problems,
      playbooks.map((p) => p.file),
    ),
  };
}

function resolvePlayForHost(
  play: PlaySpec,
  host: InventoryHost,
  extraVars: Record<string, string>,
  playName: string,
): { play: ResolvedPlayForHost; problems: InputProblem[] } {
  const context = {
    ...host.vars,
    ...play.vars,
    ...extraVars,
    inventory_hostname: host.name,
    group_names: host.groups,
  };
  const problems: InputProblem[] = [];
  const resolveAll = (tasks: readonly TaskSpec[]) =>
    tasks.flatMap((task) => {
      const resolved = resolveTask(task, context);
      if ('problems' in resolved) {
        problems.push(...resolved.problems);
        return [];
      }
      return [resolved.task];
    });
  // As in Ansible, connection variables from the inventory win over the play's keywords.
  const becomeUser = 'ansible_become_user' in host.vars ? host.connection.becomeUser : play.becomeUser;
  return {
    play: {
      playId: play.id,
      name: playName,
      become: 'ansible_become' in host.vars ? host.connection.become : (play.become ?? false),
      ...(becomeUser === undefined ? {} : { becomeUser }),
      rollout: play.rollout,
      tasks: resolveAll(play.tasks),
      handlers: resolveAll(play.handlers),
    },
    problems,
  };
}

function resolveTask(
  task: TaskSpec,
  context: Record<string, unknown>,
): { task: ResolvedTask } | { problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const name = renderText(task.name, context);
  if ('problem' in name) problems.push(name.problem);
  const params = task.staticParams ?? checkRenderedParams(task, context, problems);
  if (problems.length > 0 || !params || 'problem' in name) return { problems };
  return {
    task: {
      ...outlineOf(task),
      name: String(name.value),
      params: params.value,
      notify: task.notify,
      ...(task.timeoutSec === undefined ? {} : { timeoutSec: task.timeoutSec }),
      noLog: task.noLog,
    },
  };
}

function checkRenderedParams(
  task: TaskSpec,
  context: Record<string, unknown>,
  problems: InputProblem[],
): { value: unknown } | undefined {
  const locate = locatorFromTable(task.paramPositions);
  const fieldBase = ['plays', ...task.yamlPath, task.module];
  const rendered = renderValue(task.params, context);
  if ('errors' in rendered) {
    for (const error of rendered.errors) {
      const field = formatFieldPath([...fieldBase, ...error.path]);
      problems.push({ ...locate(error.path, {}), field, message: error.message });
    }
    return undefined;
  }
  const schema = moduleRegistry.get(task.module)!.params;
  const checked = schema.safeParse(rendered.value, { reportInput: true });
  if (checked.success) return { value: checked.data };
  problems.push(...problemsFromZodIssues(checked.error.issues, { locate, schema, fieldPath: fieldBase }));
  return undefined;
}

function renderText(
  text: TextField,
  context: Record<string, unknown>,
): { value: unknown } | { problem: InputProblem } {
  const rendered = renderValue(text.value, context);
  if ('value' in rendered) return { value: rendered.value };
  return { problem: { ...text.source, field: text.field, message: rendered.errors[0]!.message } };
}

function outlineOf(task: TaskSpec): TaskOutline {
  return {
    id: task.id,
    name: String(task.name.value.value),
    module: task.module,
    source: task.source,
    isHandler: task.isHandler,
  };
}
