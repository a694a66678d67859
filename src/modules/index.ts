export type {
  AnyModule,
  Change,
  Domain,
  Footprint,
  ModuleDefinition,
  Problem,
  RemoteStep,
} from './define.js';
export { defineModule } from './define.js';
export { moduleRegistry } from './registry.js';
export { parseProbeOutput } from './shared/parse-probe-output.js';
export { probePrelude } from './shared/probe-prelude.js';
export type { ProbeRecords } from './shared/probe-records.js';
