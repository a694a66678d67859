/** A path into parsed YAML data: map keys and list indexes, outermost first. */
export type YamlPath = readonly (string | number)[];

const plainKey = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `['plays', 0, 'tasks', 1, 'kernel_module', 'nmae']` → `plays[0].tasks[1].kernel_module.nmae`.
 * Keys that are not identifiers (host names with dots) are bracketed so the path stays unambiguous.
 */
export function formatFieldPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (plainKey.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
