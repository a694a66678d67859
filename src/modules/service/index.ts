import { defineModule } from '../define.js';
import { serviceActions, serviceInspect, serviceVerify } from './actions.js';
import { parseServiceFacts, probeService } from './facts.js';
import { isLibvirtd, serviceParams } from './params.js';

export const serviceModule = defineModule({
  name: 'service',
  description:
    'Ensure a service is started, stopped, restarted or reloaded and (not) enabled at boot, with systemd or sysvinit; libvirtd is also checked for its default network and stuck children.',
  params: serviceParams,
  probe: probeService,
  parse: parseServiceFacts,
  inspect: serviceInspect,
  plan: (params, facts) => serviceActions(params, facts).map((action) => action.change),
  apply: (params, _changes, facts) => serviceActions(params, facts).flatMap((action) => action.steps),
  verify: serviceVerify,
  // Starting a service can change anything (libvirtd loads modules and sets ip_forward). A module
  // load can start units (udev), and libvirtd's health reads its network, which comes up or not
  // with the NAT modules and what modprobe.d lets load.
  footprint: (params) => ({
    reads: [`service:${params.name}`, 'modules', ...(isLibvirtd(params) ? (['modprobe.d'] as const) : [])],
    writes: ['*'],
  }),
  resources: (params) => ({ reads: [`service:${params.name}`], writes: [`service:${params.name}`] }),
});
