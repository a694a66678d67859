import type { InputProblem } from '../errors.js';
import {
  childrenOf,
  closeMatches,
  didYouMean,
  isMapping,
  locate,
  locatorIn,
  parseYamlSource,
  positionText,
  problemsFromZodIssues,
  readYamlSource,
  sortProblems,
  type YamlPath,
  type YamlSource,
} from '../input/index.js';
import { unsupportedPlayKeywords } from './keywords.js';
import { fieldOf, type LoadContext, loadTask, problemAt, textField } from './load-task.js';
import { playbookShapeSchema, playFieldNames, playShapeSchema } from './schema.js';
import type { LoadedPlaybook, PlaySpec, TaskSpec } from './types.js';

export interface PlaybookText {
  file: string;
  text: string;
}

/** Reads, checks and compiles playbooks without touching any host. Never throws for bad input. */
export function loadPlaybooks(files: readonly string[]): {
  playbooks: LoadedPlaybook[];
  problems: InputProblem[];
} {
  const read = files.map((file) => readYamlSource(file, ['plays']));
  const loaded = read.flatMap((result) => (result.source ? [buildPlaybook(result.source)] : []));
  return {
    playbooks: loaded.map((result) => result.playbook),
    problems: sortProblems(
      [...read.flatMap((r) => r.problems), ...loaded.flatMap((result) => result.problems)],
      files,
    ),
  };
}

/** Same as loadPlaybooks, from text already in memory. */
export function parsePlaybooks(texts: readonly PlaybookText[]): {
  playbooks: LoadedPlaybook[];
  problems: InputProblem[];
} {
  const parsed = texts.map(({ file, text }) => parseYamlSource(file, text, ['plays']));
  const loaded = parsed.map((result) => buildPlaybook(result.source));
  return {
    playbooks: loaded.map((result) => result.playbook),
    problems: sortProblems(
      [...parsed.flatMap((r) => r.problems), ...loaded.flatMap((result) => result.problems)],
      texts.map(({ file }) => file),
    ),
  };
}

function buildPlaybook(source: YamlSource): { playbook: LoadedPlaybook; problems: InputProblem[] } {
  const context: LoadContext = { source, problems: [], typoTargets: new Set() };
  const data: unknown = source.data;
  // Unparsable: its problems were reported, and the structure of what parsed is a guess.
  if (data === undefined) return { playbook: { file: source.file, plays: [] }, problems: [] };
  if (data === null) {
    context.problems.push({
      ...locate(source, []),
      field: 'plays',
      message: 'empty playbook: expected a list of plays',
    });
    return { playbook: { file: source.file, plays: [] }, problems: context.problems };
  }
  const plays = Array.isArray(data) ? data.flatMap((raw, index) => loadPlay(context, raw, index) ?? []) : [];
  const checked = playbookShapeSchema.safeParse(data, { reportInput: true });
  if (!checked.success) {
    const issues = checked.error.issues.filter(
      (issue) => !(issue.input === undefined && context.typoTargets.has(JSON.stringify(issue.path))),
    );
    context.problems.push(
      ...problemsFromZodIssues(issues, {
        locate: locatorIn(source, []),
        schema: playbookShapeSchema,
        fieldPath: ['plays'],
      }),
    );
  }
  return { playbook: { file: source.file, plays }, problems: context.problems };
}

function loadPlay(context: LoadContext, raw: unknown, index: number): PlaySpec | undefined {
  const { source, problems } = context;
  if (!isMapping(raw)) return undefined; // the shape check reported it
  const yamlPath: YamlPath = [index];
  for (const key of Object.keys(raw).filter((key) => !playFieldNames.includes(key))) {
    const meant = closeMatches(key, playFieldNames)[0];
    if (meant !== undefined) context.typoTargets.add(JSON.stringify([index, meant]));
    const message = unsupportedPlayKeywords.has(key)
      ? `'${key}' is not supported yet`
      : `unknown field '${key}'${didYouMean(key, playFieldNames)}`;
    problems.push(problemAt(source, [index, key], message, true));
  }

  const fields = playShapeSchema.shape;
  const loadTasks = (key: 'tasks' | 'handlers'): TaskSpec[] => {
    const list = raw[key];
    if (!Array.isArray(list)) return [];
    return list.flatMap((task, at) => loadTask(context, task, [index, key, at], key === 'handlers') ?? []);
  };
  const tasks = loadTasks('tasks');
  const handlers = loadTasks('handlers');
  problems.push(...handlerProblems(source, raw, index));

  const vars = fields.vars.safeParse(raw.vars);
  problems.push(...templatesInVars(source, raw.vars, [index, 'vars']));
  const hosts = fields.hosts.safeParse(raw.hosts);
  const name = fields.name.safeParse(raw.name);
  const become = fields.become.safeParse(raw.become);
  const becomeUser = fields.become_user.safeParse(raw.become_user);
  const serial = fields.serial.safeParse(raw.serial);
  const maxFail = fields.max_fail_percentage.safeParse(raw.max_fail_percentage);
  const anyErrorsFatal = fields.any_errors_fatal.safeParse(raw.any_errors_fatal);
  const forceHandlers = fields.force_handlers.safeParse(raw.force_handlers);
  if (
    !hosts.success ||
    !name.success ||
    !vars.success ||
    !become.success ||
    !becomeUser.success ||
    !serial.success ||
    !maxFail.success ||
    !anyErrorsFatal.success ||
    !forceHandlers.success
  )
    return undefined;

  const hostsText = typeof hosts.data === 'string' ? hosts.data : hosts.data.join(',');
  return {
    id: `${source.file}#${fieldOf(yamlPath)}`,
    index,
    ...(name.data === undefined ? {} : { name: textField(source, [index, 'name'], name.data, problems) }),
    hosts: textField(source, [index, 'hosts'], hostsText, problems),
    ...(become.data === undefined ? {} : { become: become.data }),
    ...(becomeUser.data === undefined ? {} : { becomeUser: becomeUser.data }),
    vars: vars.data ?? {},
    rollout: {
      ...(serial.data === undefined ? {} : { serial: [serial.data].flat() }),
      ...(maxFail.data === undefined ? {} : { maxFailPercentage: maxFail.data }),
      ...(anyErrorsFatal.data === undefined ? {} : { anyErrorsFatal: anyErrorsFatal.data }),
      ...(forceHandlers.data === undefined ? {} : { forceHandlers: forceHandlers.data }),
    },
    tasks,
    handlers,
    source: locate(source, yamlPath),
  };
}

/**
 * Handler names must be unique in a play, and every notify must name one of them. Names are
 * read from the YAML as written, so a handler with other problems still counts as existing.
 */
function handlerProblems(source: YamlSource, raw: Record<string, unknown>, index: number): InputProblem[] {
  const problems: InputProblem[] = [];
  const names = new Map<string, YamlPath>();
  const declared = Array.isArray(raw.handlers) ? raw.handlers : [];
  declared.forEach((handler, at) => {
    if (!isMapping(handler) || typeof handler.name !== 'string') return;
    const path: YamlPath = [index, 'handlers', at, 'name'];
    const earlier = names.get(handler.name);
    if (earlier) {
      const first = positionText(locate(source, earlier), source.file);
      problems.push(
        problemAt(source, path, `another handler of this play is named '${handler.name}' (at ${first})`),
      );
    } else names.set(handler.name, path);
  });
  for (const key of ['tasks', 'handlers'] as const) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    list.forEach((task, at) => {
      if (!isMapping(task)) return;
      const notify = task.notify;
      const entries: [string, YamlPath][] =
        typeof notify === 'string'
          ? [[notify, [index, key, at, 'notify']]]
          : Array.isArray(notify)
            ? notify.flatMap((item, n): [string, YamlPath][] =>
                typeof item === 'string' ? [[item, [index, key, at, 'notify', n]]] : [],
              )
            : [];
      for (const [handler, path] of entries) {
        if (names.has(handler)) continue;
        const known = [...names.keys()];
        const hint =
          didYouMean(handler, known) ||
          (known.length > 0 ? ` (handlers: ${known.join(', ')})` : ' (the play has no handlers)');
        problems.push(problemAt(source, path, `notify: no handler named '${handler}' in this play${hint}`));
      }
    });
  }
  return problems;
}

/** Play vars are used as written; a template there would reach a host unrendered. */
function templatesInVars(source: YamlSource, vars: unknown, yamlPath: YamlPath): InputProblem[] {
  const problems: InputProblem[] = [];
  const walk = (value: unknown, path: YamlPath) => {
    if (typeof value === 'string' && value.includes('{{')) {
      problems.push(
        problemAt(source, path, 'templates inside vars are not supported yet: give the value itself'),
      );
    } else for (const [segment, child] of childrenOf(value)) walk(child, [...path, segment]);
  };
  walk(vars, yamlPath);
  return problems;
}
