import { z } from 'zod';
import { namePatterns } from '../../shell/index.js';

const paramValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((value) => (typeof value === 'boolean' ? (value ? 'Y' : 'N') : String(value)))
  .pipe(
    z
      .string()
      .regex(
        namePatterns.moduleParamValue,
        `must match ${namePatterns.moduleParamValue} (no spaces, quotes or shell syntax)`,
      ),
  );

export const kernelModuleParams = z.strictObject({
  name: z
    .string()
    .regex(namePatterns.kernelModule, `must be a kernel module name matching ${namePatterns.kernelModule}`)
    .describe('Module name as modprobe takes it, e.g. br_netfilter.'),
  state: z
    .enum(['present', 'absent'])
    .default('present')
    .describe('present: loaded (and persistent); absent: unloaded.'),
  persistent: z
    .boolean()
    .default(true)
    .describe(
      'Load at boot through the boot backend this host uses (modules-load.d, /etc/modules, sysconfig).',
    ),
  params: z
    .record(
      z.string().regex(namePatterns.moduleParam, `parameter names must match ${namePatterns.moduleParam}`),
      paramValue,
    )
    .default({})
    .describe(
      'Module parameters: `options <name> k=v` in /etc/modprobe.d/<name>.conf, and live in sysfs when writable.',
    ),
});

export type KernelModuleParams = z.output<typeof kernelModuleParams>;
