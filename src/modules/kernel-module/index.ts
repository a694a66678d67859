import { defineModule } from '../define.js';
import { normalizeModuleName } from '../shared/modprobe-config.js';
import { kernelModuleActions, kernelModuleInspect, kernelModuleVerify } from './actions.js';
import { parseKernelModuleFacts, probeKernelModule } from './facts.js';
import { kernelModuleParams } from './params.js';

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
  // modprobe.d is written only for params (its options file).
  footprint: (params) => ({
    reads: ['modules', 'modprobe.d', 'boot-modules'],
    writes: [
      'modules',
      'boot-modules',
      ...(Object.keys(params.params).length > 0 ? (['modprobe.d'] as const) : []),
    ],
  }),
  resources: (params) => {
    const module = normalizeModuleName(params.name);
    const writesConfig = Object.keys(params.params).length > 0;
    return {
      reads: [`module:${module}`, 'modprobe.d'],
      writes: [`module:${module}`, ...(writesConfig ? ['modprobe.d'] : [])],
    };
  },
});
