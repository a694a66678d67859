// Ansible-shaped playbooks: loaded and checked without touching a host (loadPlaybooks), then
// rendered per host against an inventory (resolvePlays) into what the engine runs.
export { loadPlaybooks, type PlaybookText, parsePlaybooks } from './load.js';
export { type Resolution, resolvePlays } from './resolve.js';
export { type BatchSize, buildPlaybookSchema, type PlayInput, type TaskInput } from './schema.js';
export type {
  LoadedPlaybook,
  PlayRollout,
  PlaySpec,
  ResolvedPlay,
  ResolvedPlayForHost,
  ResolvedTask,
  ResolveOptions,
  TaskOutline,
  TaskSpec,
  TextField,
} from './types.js';
