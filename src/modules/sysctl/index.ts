import { defineModule } from '../define.js';
import { sysctlKeyName, sysctlKeyPath } from '../shared/sysctl-config.js';
import { sysctlActions } from './actions.js';
import { parseSysctlFacts, probeSysctl } from './facts.js';
import { sysctlParams } from './params.js';
import { sysctlInspect, sysctlVerify } from './problems.js';
import { providerCandidates } from './provider.js';

export const sysctlModule = defineModule({
  name: 'sysctl',
  description:
    'Set a sysctl key live and in a sysctl.d file, and prove the next boot applies it (no later file shadows it, its module loads first).',
  params: sysctlParams,
  probe: probeSysctl,
  parse: parseSysctlFacts,
  inspect: sysctlInspect,
  plan: (params, facts) => sysctlActions(params, facts).map((action) => action.change),
  apply: (params, _changes, facts) => sysctlActions(params, facts).flatMap((action) => action.steps),
  verify: sysctlVerify,
  // The key's providers are read: loading br_netfilter earlier in the play creates net.bridge.*.
  resources: (params) => {
    const key = sysctlKeyName(sysctlKeyPath(params.name));
    return {
      reads: [`sysctl:${key}`, ...providerCandidates(key).map((module) => `module:${module}`)],
      writes: params.state === 'checked' ? [] : [`sysctl:${key}`],
    };
  },
  // The provider module's state and boot lists are part of its facts (the incident-1 trap).
  footprint: () => ({ reads: ['sysctl', 'modules', 'boot-modules'], writes: ['sysctl'] }),
});
