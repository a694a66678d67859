import type { AnyModule } from './define.js';
import { kernelModule } from './kernel-module/index.js';

/** Every module a playbook may name. The engine never names one; it looks them up here. */
export const moduleRegistry: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>(
  [kernelModule].map((module) => [module.name, module as AnyModule]),
);
