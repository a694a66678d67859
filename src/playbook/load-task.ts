import type { InputProblem } from '../errors.js';
import {
  closeMatches,
  describeValue,
  formatFieldPath,
  isMapping,
  locate,
  locatorFromTable,
  positionTable,
  problemsFromZodIssues,
  type YamlPath,
  type YamlSource,
} from '../input/index.js';
import { moduleRegistry } from '../modules/index.js';
import { unsupportedTaskKeywords } from './keywords.js';
import { taskFieldNames, taskFieldsShape } from './schema.js';
import { compileValue } from './templated-value.js';
import type { TaskSpec, TextField } from './types.js';

/** Field paths in messages start with `plays`; YAML paths start at the list of plays. */
export const fieldOf = (yamlPath: YamlPath) => formatFieldPath(['plays', ...yamlPath]);

export function problemAt(
  source: YamlSource,
  yamlPath: YamlPath,
  message: string,
  key = false,
): InputProblem {
  return { ...locate(source, yamlPath, { key }), field: fieldOf(yamlPath), message };
}

/** What loading one file accumulates. */
export interface LoadContext {
  source: YamlSource;
  problems: InputProblem[];
  /**
   * Paths of required fields that a misspelt key stands for (`nmae` for `name`): "did you mean
   * 'name'?" already says it, so "required field 'name' is missing" is not said again.
   */
  typoTargets: Set<string>;
}

export function textField(
  source: YamlSource,
  yamlPath: YamlPath,
  text: string,
  problems: InputProblem[],
): TextField {
  const { templated, errors } = compileValue(text);
  problems.push(...errors.map((error) => problemAt(source, yamlPath, error.message)));
  return { value: templated, source: locate(source, yamlPath), field: fieldOf(yamlPath) };
}

/**
 * One task (or handler): a name, exactly one module with a mapping of parameters, optional
 * notify and timeout. Returns undefined when it is too broken to run; its problems say why.
 */
export function loadTask(
  context: LoadContext,
  raw: unknown,
  yamlPath: YamlPath,
  isHandler: boolean,
): TaskSpec | undefined {
  const { source, problems } = context;
  if (!isMapping(raw)) return undefined; // the shape check reported it
  const modules = Object.keys(raw).filter((key) => moduleRegistry.has(key));
  const unknownKeys = Object.keys(raw).filter(
    (key) => !moduleRegistry.has(key) && !taskFieldNames.includes(key),
  );
  for (const key of unknownKeys) {
    const unknown = unknownTaskKey(key);
    if (unknown.meant) context.typoTargets.add(JSON.stringify([...yamlPath, unknown.meant]));
    problems.push(problemAt(source, [...yamlPath, key], unknown.message, true));
  }
  if (modules.length === 0 && unknownKeys.length === 0) {
    problems.push(
      problemAt(
        source,
        yamlPath,
        `no module in this task (one of: ${[...moduleRegistry.keys()].join(', ')})`,
      ),
    );
  }
  if (modules.length > 1) {
    problems.push(
      problemAt(
        source,
        [...yamlPath, modules[1]!],
        `one module per task: found ${modules.map((m) => `'${m}'`).join(' and ')}`,
        true,
      ),
    );
  }

  const name = taskFieldsShape.name.safeParse(raw.name);
  const templatedHandler = name.success && isHandler && name.data.includes('{{');
  if (templatedHandler) {
    problems.push(
      problemAt(
        source,
        [...yamlPath, 'name'],
        'handler names cannot use templates: notify refers to them as written',
      ),
    );
  }
  const notify = taskFieldsShape.notify.safeParse(raw.notify);
  const timeout = taskFieldsShape.timeout.safeParse(raw.timeout);
  const noLog = taskFieldsShape.no_log.safeParse(raw.no_log);

  const moduleName = modules[0];
  if (moduleName === undefined) return undefined;
  const module = moduleRegistry.get(moduleName)!;
  const paramsPath = [...yamlPath, moduleName];
  const rawParams = raw[moduleName] ?? {};
  if (!isMapping(rawParams)) {
    problems.push(
      problemAt(
        source,
        paramsPath,
        `parameters of '${moduleName}' must be a mapping (name: value), got ${describeValue(rawParams)}`,
      ),
    );
    return undefined;
  }
  const { templated: params, errors } = compileValue(rawParams);
  problems.push(...errors.map((error) => problemAt(source, [...paramsPath, ...error.path], error.message)));
  const paramPositions = positionTable(source, paramsPath, rawParams);

  // Without templates the parameters are the same on every host: check them once, now.
  let staticParams: TaskSpec['staticParams'];
  if (params.templates.length === 0 && errors.length === 0) {
    const checked = module.params.safeParse(rawParams, { reportInput: true });
    if (checked.success) staticParams = { value: checked.data };
    else {
      problems.push(
        ...problemsFromZodIssues(checked.error.issues, {
          locate: locatorFromTable(paramPositions),
          schema: module.params,
          fieldPath: ['plays', ...paramsPath],
        }),
      );
    }
  }

  const paramsUsable = params.templates.length > 0 ? errors.length === 0 : staticParams !== undefined;
  if (
    !name.success ||
    templatedHandler ||
    !notify.success ||
    !timeout.success ||
    !noLog.success ||
    !paramsUsable
  )
    return undefined;
  const notifyList =
    notify.data === undefined ? [] : typeof notify.data === 'string' ? [notify.data] : notify.data;
  return {
    id: `${source.file}#${fieldOf(yamlPath)}`,
    name: textField(source, [...yamlPath, 'name'], name.data, problems),
    module: moduleName,
    params,
    paramPositions,
    ...(staticParams ? { staticParams } : {}),
    notify: notifyList,
    ...(timeout.data === undefined ? {} : { timeoutSec: timeout.data }),
    noLog: noLog.data ?? false,
    source: locate(source, yamlPath),
    field: fieldOf(yamlPath),
    yamlPath: [...yamlPath],
    isHandler,
  };
}

function unknownTaskKey(key: string): { message: string; meant?: string } {
  if (unsupportedTaskKeywords.has(key)) {
    return {
      message: `'${key}' is not supported yet (netfix tasks take: ${taskFieldNames.join(', ')} and one module)`,
    };
  }
  const modules = [...moduleRegistry.keys()];
  const best = closeMatches(key, [...modules, ...taskFieldNames])[0];
  if (best === undefined) return { message: `unknown module '${key}' (modules: ${modules.join(', ')})` };
  if (modules.includes(best)) return { message: `unknown module '${key}' (did you mean '${best}'?)` };
  return { message: `unknown field '${key}' (did you mean '${best}'?)`, meant: best };
}
