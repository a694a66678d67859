import { defineModule } from '../define.js';
import { normalizeModuleName } from '../shared/modprobe-config.js';
import { modprobeBlacklistActions } from './actions.js';
import { modprobeBlacklistInspect, modprobeBlacklistVerify } from './checks.js';
import { parseModprobeBlacklistFacts, probeModprobeBlacklist } from './facts.js';
import { modprobeBlacklistParams } from './params.js';

export const modprobeBlacklistModule = defineModule({
  name: 'modprobe_blacklist',
  description:
    'Remove every blacklist and install-/bin/false line of a kernel module from /etc and /run modprobe.d (absent), or blacklist it in a file of netfix (present).',
  params: modprobeBlacklistParams,
  probe: probeModprobeBlacklist,
  parse: parseModprobeBlacklistFacts,
  inspect: modprobeBlacklistInspect,
  plan: (params, facts) => modprobeBlacklistActions(params, facts).map((action) => action.change),
  apply: (params, _changes, facts) =>
    modprobeBlacklistActions(params, facts).flatMap((action) => action.steps),
  verify: modprobeBlacklistVerify,
  // Its own entries are its facts; any load (kernel_module) reads all of modprobe.d.
  resources: (params) => {
    const module = normalizeModuleName(params.module);
    return { reads: [`modprobe.d:${module}`], writes: [`modprobe.d:${module}`, 'modprobe.d'] };
  },
  // --show-depends reads kmod's configuration, not what is loaded. A removed line can let a load
  // that waits on it finish (incident 3 on kernels before 4.19): that writes `modules`.
  footprint: () => ({ reads: ['modprobe.d'], writes: ['modprobe.d', 'modules'] }),
});

// For `diagnose`: what blocks a module or any module of a dependency chain.
export {
  type BlockEffect,
  type BlockingDirective,
  blockingDirectives,
  cmdlineBlocks,
  isNoopInstall,
} from './blocking.js';
