// Shared by every YAML input (inventories, playbooks): parsing with positions, tracing a value
// back to file:line:col, turning zod issues into problems, and "did you mean" suggestions.

export { formatFieldPath, type YamlPath } from './field-path.js';
export { locate, positionText, type SourcePosition } from './locate.js';
export { type HostProblem, mergeHostProblems, sortProblems } from './per-host.js';
export { locatorFromTable, type PositionTable, positionTable } from './position-table.js';
export { objectKeysAt } from './schema-keys.js';
export { closeMatches, didYouMean, editDistance } from './suggest.js';
export { parseYamlSource, readYamlSource, type YamlSource } from './yaml-source.js';
export { childrenOf, isMapping } from './yaml-values.js';
export {
  describeValue,
  type Locator,
  locatorIn,
  problemsFromZodIssues,
  type ZodProblemContext,
} from './zod-problems.js';
