export * from './result.js';
export { runFleet } from './run.js';
export type { EngineEvent, EngineOptions, HostWork, PlayWork, TaskWork } from './work.js';
