import { z } from 'zod';
import { namePatterns } from '../../shell/index.js';
import { etcSysctlConf, isPlainSysctlKey, normalizeSysctlValue } from '../shared/sysctl-config.js';

const ownFilePattern = /^\/etc\/sysctl\.d\/[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,120}\.conf$/;

const sysctlValue = z
  .union([
    z.string(),
    // YAML reads 18446744073709551615 as a float that has lost digits: such values must be quoted.
    z
      .number()
      .refine(Number.isSafeInteger, 'numbers must be integers below 2^53; quote larger ones as strings'),
  ])
  .transform((value) => normalizeSysctlValue(String(value)))
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters'),
  );

export const sysctlParams = z
  .strictObject({
    name: z
      .string()
      .regex(namePatterns.sysctlKey, `must be a sysctl key matching ${namePatterns.sysctlKey}`)
      .refine(isPlainSysctlKey, 'must name one key below /proc/sys (no empty, "." or ".." levels)')
      .describe(
        'Key, dotted (net.bridge.bridge-nf-call-iptables) or slashed (net/bridge/bridge-nf-call-iptables), as sysctl.d(5) reads it.',
      ),
    value: sysctlValue
      .optional()
      .describe(
        'Wanted value (required with state: present). Runs of whitespace count as one space: "32768 60999" equals the kernel\'s "32768<TAB>60999".',
      ),
    file: z
      .string()
      .refine(
        (path) => path === etcSysctlConf || ownFilePattern.test(path),
        `must be ${etcSysctlConf} or /etc/sysctl.d/<name>.conf (/usr/lib belongs to packages, /run is lost at reboot)`,
      )
      .default('/etc/sysctl.d/90-netfix.conf')
      .describe(
        'File that holds the key for boot. Only the key\'s own line(s) are written; every other byte is kept. Created with a "# Managed by netfix" header when missing.',
      ),
    state: z
      .enum(['present', 'absent', 'checked'])
      .default('present')
      .describe(
        "present: the key has the value live and at boot; absent: the key's line(s) are removed from `file` (other files are reported, never edited); checked: nothing is written, the live value must equal `value` (a proof, e.g. nf_conntrack_buckets following hashsize).",
      ),
    runtime: z
      .boolean()
      .default(true)
      .describe(
        'Also set the live value in /proc/sys (state: present only). false: only the file, for the next boot.',
      ),
  })
  .refine((params) => params.state === 'absent' || params.value !== undefined, {
    message: 'value is required unless state is absent',
    path: ['value'],
  });

export type SysctlParams = z.output<typeof sysctlParams>;
