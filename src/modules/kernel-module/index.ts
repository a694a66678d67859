import { defineModule } from '../define.js';
import { normalizeModuleName } from '../shared/modprobe-config.js';
import { kernelModuleActions, kernelModuleInspect, kernelModuleVerify } from './actions.js';
import { parseKernelModuleFacts, probeKernelModule } from './facts.js';
import { type KernelModuleParams, kernelModuleParams } from './params.js';

export const kernelModule = defineModule({
  name: 'kernel_module',
  description: 'Ensure a kernel module is loaded (or not), loads at boot, and has the given parameters.',
  params: kernelModuleParams,
  probe: probeKernelModule,
  parse: parseKernelModuleFacts,
  inspect: kernelModuleInspect,
  plan: (params, facts) => kernelModuleActions(params, facts).map((action) => action.change),
  apply: (params, _changes, facts) => kernelModuleActions(params, facts).flatMap((action) => action.steps),
  verify: kernelModuleVerify,
  // A load also creates sysctl keys (net.bridge.*) and sets the tables they size: `modules` covers both.
  footprint: (params) => ({
    reads: ['modules', 'modprobe.d', 'boot-modules'],
    writes: ['modules', 'boot-modules', ...(writesOptions(params) ? (['modprobe.d'] as const) : [])],
  }),
  resources: (params) => {
    const module = normalizeModuleName(params.name);
    return {
      reads: [`module:${module}`, 'modprobe.d'],
      writes: [`module:${module}`, ...(writesOptions(params) ? ['modprobe.d'] : [])],
    };
  },
});

/** Params are written to the module's options file in modprobe.d; nothing else of it is. */
function writesOptions(params: KernelModuleParams): boolean {
  return Object.keys(params.params).length > 0;
}
