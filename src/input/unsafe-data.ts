import type { InputProblem } from '../errors.js';
import { formatFieldPath, type YamlPath } from './field-path.js';
import { locate } from './locate.js';
import type { YamlSource } from './yaml-source.js';

/** Nothing netfix reads nests this deep; every later walk of the data may recurse safely below it. */
export const maxDepth = 64;
/** Values after aliases are expanded: an inventory of 100,000 hosts has well under this. */
export const maxValues = 2_000_000;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * One iterative walk over the parsed values (aliases expanded, as every later step sees them):
 * too deep or too many values make the data unusable; a string with a NUL byte or half of a
 * UTF-16 surrogate pair (both only written as escapes, "\0" and "\ud800") can reach no file or
 * command intact, so it is refused where it was written rather than when a host is contacted.
 */
export function unsafeDataProblems(
  source: YamlSource,
  data: unknown,
  fieldRoot: YamlPath,
): { usable: boolean; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const problem = (path: YamlPath, message: string, key = false) =>
    problems.push({
      ...locate(source, path, { key }),
      field: formatFieldPath([...fieldRoot, ...path]),
      message,
    });
  const checkString = (text: string, path: YamlPath, what: string, key = false) => {
    if (text.includes('\0'))
      problem(path, `${what} contains a NUL byte (\\0), which no file or command can hold`, key);
    else if (loneSurrogate.test(text))
      problem(
        path,
        `${what} contains half of a UTF-16 surrogate pair (a \\u escape): not valid Unicode`,
        key,
      );
  };
  const stack: { value: unknown; path: YamlPath }[] = [{ value: data, path: [] }];
  let values = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++values > maxValues) {
      problem([], `more than ${maxValues} values once aliases are expanded: refused`);
      return { usable: false, problems };
    }
    if (typeof value === 'string') {
      checkString(value, path, 'the value');
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= maxDepth) {
      problem(path, `nested more than ${maxDepth} levels deep: refused`);
      return { usable: false, problems };
    }
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [segment, child] of entries.reverse()) {
      if (typeof segment === 'string') checkString(segment, [...path, segment], 'the key', true);
      stack.push({ value: child, path: [...path, segment] });
    }
  }
  // Checking the rest would repeat each of these in the words of the field it reached.
  return { usable: problems.length === 0, problems };
}
