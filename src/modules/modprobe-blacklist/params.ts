import { z } from 'zod';
import { namePatterns } from '../../shell/index.js';

export const modprobeBlacklistParams = z
  .strictObject({
    module: z
      .string()
      .regex(namePatterns.kernelModule, `must be a kernel module name matching ${namePatterns.kernelModule}`)
      .describe("Module name; '-' and '_' are the same to kmod, e.g. nf_conntrack_ipv4."),
    // No default: `modprobe_blacklist: {module: nf_conntrack_ipv4}` written to fix incident 3 must
    // not quietly add the very line that caused it.
    state: z
      .enum(['absent', 'present'])
      .describe(
        'absent: remove every `blacklist <module>` and `install <module> /bin/false|/bin/true` line from /etc/modprobe.d and /run/modprobe.d (package files are reported). present: blacklist it in /etc/modprobe.d/netfix-blacklist-<module>.conf.',
      ),
    disable: z
      .boolean()
      .default(false)
      .describe(
        'With state: present, also `install <module> /bin/false`: a blacklist stops alias loads only; this stops every load, by name and as a dependency.',
      ),
  })
  .refine((params) => !(params.disable && params.state === 'absent'), {
    path: ['disable'],
    message: 'disable applies to state: present (state: absent removes install /bin/false lines anyway)',
  });

export type ModprobeBlacklistParams = z.output<typeof modprobeBlacklistParams>;
