// Walking values that came out of YAML (plain objects, arrays and scalars).

export const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The entries below a parsed YAML value: list items by index, mapping values by key; none for a scalar. */
export function childrenOf(value: unknown): [string | number, unknown][] {
  if (Array.isArray(value)) return value.map((item, index) => [index, item]);
  if (isMapping(value)) return Object.entries(value);
  return [];
}
