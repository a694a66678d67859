import type { z } from 'zod';
import type { InputProblem } from '../errors.js';
import { formatFieldPath, type YamlPath } from './field-path.js';
import { locate, type SourcePosition } from './locate.js';
import { objectKeysAt } from './schema-keys.js';
import { closeMatches, didYouMean } from './suggest.js';
import type { YamlSource } from './yaml-source.js';

/** Finds a path (relative to the checked value) in the input; `key` asks for the key's position. */
export type Locator = (relativePath: YamlPath, options: { key?: boolean }) => SourcePosition;

export interface ZodProblemContext {
  /** Where things are: usually `locatorIn(source, pathOfTheValue)`. */
  locate: Locator;
  /** The schema that was checked, for "did you mean" on unknown keys. */
  schema: z.ZodType;
  /** How the checked value is named in messages (`plays[0].tasks[1].kernel_module`). */
  fieldPath: YamlPath;
}

/** A locator for the value at `basePath` in a parsed YAML file. */
export function locatorIn(source: YamlSource, basePath: YamlPath): Locator {
  return (relativePath, options) => locate(source, [...basePath, ...relativePath], options);
}

type Issue = z.core.$ZodIssue;

/**
 * Every zod issue as a problem at the YAML node it is about. Parse with `reportInput: true` so
 * that messages can say what was found. Messages use YAML words (mapping, list), not JS ones.
 */
export function problemsFromZodIssues(issues: readonly Issue[], context: ZodProblemContext): InputProblem[] {
  const explained = missingExplainedByTypos(issues, context.schema);
  return issues
    .filter((issue) => !explained.has(JSON.stringify(issue.path)))
    .flatMap((issue) => problemsFromIssue(issue, [], context));
}

/**
 * `nmae: x` gives two issues: unknown 'nmae' and missing 'name'. The first one's "did you mean
 * 'name'?" already says everything, so the second is dropped.
 */
function missingExplainedByTypos(issues: readonly Issue[], schema: z.ZodType): Set<string> {
  const explained = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = objectKeysAt(schema, issue.path as (string | number)[]);
    for (const key of issue.keys) {
      const best = closeMatches(key, known)[0];
      if (best !== undefined) explained.add(JSON.stringify([...issue.path, best]));
    }
  }
  return new Set(
    issues
      .filter((issue) => isMissing(issue) && explained.has(JSON.stringify(issue.path)))
      .map((issue) => JSON.stringify(issue.path)),
  );
}

/** A required key that is absent (zod reports it as a type mismatch on `undefined`). */
function isMissing(issue: Issue): boolean {
  return (issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input === undefined;
}

function problemsFromIssue(issue: Issue, prefix: YamlPath, context: ZodProblemContext): InputProblem[] {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const at = (relative: YamlPath, message: string, key = false): InputProblem => ({
    ...context.locate(relative, { key }),
    field: formatFieldPath([...context.fieldPath, ...relative]),
    message,
  });
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = objectKeysAt(context.schema, path);
      return issue.keys.map((key) =>
        at([...path, key], `unknown field '${key}'${hintFor(key, known)}`, true),
      );
    }
    case 'invalid_key': {
      const key = String(path[path.length - 1]);
      const reasons = issue.issues.map((inner) => inner.message).join('; ');
      return [at(path, `invalid name '${key}': ${reasons}`, true)];
    }
    case 'invalid_union':
      return unionProblems(issue, path, context, at);
    case 'invalid_type': {
      if (isMissing(issue)) return [at(path, `required field '${String(path[path.length - 1])}' is missing`)];
      // A custom message from the schema says more than a generic one.
      if (!issue.message.startsWith('Invalid input')) return [at(path, issue.message)];
      // YAML 1.1 (Ansible's) reads yes/no/on/off/y/n unquoted as booleans: `name: on` is true.
      const hint =
        issue.expected === 'string' && typeof issue.input === 'boolean'
          ? ' (YAML reads unquoted yes/no/on/off/y/n as booleans: quote the string)'
          : '';
      return [
        at(path, `expected ${describeExpected(issue.expected)}, got ${describeValue(issue.input)}${hint}`),
      ];
    }
    case 'invalid_value': {
      if (!issue.message.startsWith('Invalid option')) return [at(path, issue.message)];
      const allowed = issue.values.map((value) => String(value));
      const got = describeValue(issue.input);
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, allowed) : '';
      return [at(path, `must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${got}${hint}`)];
    }
    case 'invalid_format':
      // After rendering, the value is not what was written: show what was checked.
      return [
        at(
          path,
          typeof issue.input === 'string'
            ? `${issue.message} (got '${printable(issue.input)}')`
            : issue.message,
        ),
      ];
    default:
      return [at(path, issue.message)];
  }
}

/** A close match if there is one, else the fields that are allowed when they are few enough to list. */
function hintFor(key: string, known: readonly string[]): string {
  const close = didYouMean(key, known);
  if (close || known.length === 0 || known.length > 12) return close;
  return ` (expected one of: ${known.join(', ')})`;
}

type At = (relative: YamlPath, message: string, key?: boolean) => InputProblem;

/**
 * No branch of a union matched. When exactly one branch got past the type check (a list whose
 * element is wrong), its issues are the useful ones; otherwise say which types were expected.
 */
function unionProblems(
  issue: z.core.$ZodIssueInvalidUnion,
  path: YamlPath,
  context: ZodProblemContext,
  at: At,
): InputProblem[] {
  if (isMissing(issue)) return [at(path, `required field '${String(path[path.length - 1])}' is missing`)];
  if (!issue.message.startsWith('Invalid input')) return [at(path, issue.message)];
  const isTypeMismatch = (inner: Issue) => inner.code === 'invalid_type' && inner.path.length === 0;
  const deeper = issue.errors.filter((branch) => branch.length > 0 && !branch.every(isTypeMismatch));
  if (deeper.length === 1) return deeper[0]!.flatMap((inner) => problemsFromIssue(inner, path, context));
  const expected = issue.errors
    .flat()
    .filter(isTypeMismatch)
    .map((inner) => describeExpected((inner as z.core.$ZodIssueInvalidType).expected));
  return [at(path, `expected ${[...new Set(expected)].join(' or ')}, got ${describeValue(issue.input)}`)];
}

function describeExpected(expected: string): string {
  const words: Record<string, string> = {
    object: 'a mapping',
    record: 'a mapping',
    map: 'a mapping',
    array: 'a list',
    tuple: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'a boolean (true or false)',
    null: 'nothing (null)',
  };
  return words[expected] ?? expected;
}

/** How a found value is named in a message: its YAML kind, and short scalars themselves. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value.length <= 40 ? `the string '${printable(value)}'` : 'a string';
  return `${typeof value === 'number' ? 'the number' : 'the boolean'} ${String(value)}`;
}

const shownLength = 120;

/**
 * A value as a message may show it: control characters (a newline, ESC, which a terminal would
 * obey) as escapes, and no more than a line of it.
 */
export function printable(value: string): string {
  const escaped = value.replace(/[\x00-\x1f\x7f-\x9f]/g, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
    return named[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return escaped.length > shownLength ? `${escaped.slice(0, shownLength)}…` : escaped;
}
