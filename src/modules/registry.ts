import { commandModule } from './command/index.js';
import type { AnyModule } from './define.js';
import { kernelModule } from './kernel-module/index.js';
import { modprobeBlacklistModule } from './modprobe-blacklist/index.js';
import { serviceModule } from './service/index.js';
import { sysctlModule } from './sysctl/index.js';
import { templateModule } from './template/index.js';

/** Every module a playbook may name. The engine never names one; it looks them up here. */
export const moduleRegistry: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>(
  [kernelModule, sysctlModule, modprobeBlacklistModule, serviceModule, templateModule, commandModule].map(
    (module) => [module.name, module as AnyModule],
  ),
);
