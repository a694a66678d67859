// Placeholder so the registry compiles while the module is written (replaced in the next commit).
import { raw } from '../../shell/index.js';
import { defineModule } from '../define.js';
import { kernelModuleParams } from './params.js';

export const kernelModule = defineModule({
  name: 'kernel_module',
  description: 'Ensure a kernel module is loaded (or not), loads at boot, and has the given parameters.',
  params: kernelModuleParams,
  probe: () => raw(':'),
  parse: () => ({}),
  inspect: () => [],
  plan: () => [],
  apply: () => [],
  verify: () => [],
});
