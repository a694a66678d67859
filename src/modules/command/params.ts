import { z } from 'zod';
import { namePatterns } from '../../shell/index.js';

// A path netfix tests with `[ -e ]` and prints in a probe record: absolute, one line.
const hostPath = z
  .string()
  .regex(
    namePatterns.hostPath,
    `must be an absolute path on the host matching ${namePatterns.hostPath} (no spaces, quotes, shell syntax, '.' or '..')`,
  )
  .describe('Absolute path on the host.');

export const commandParams = z
  .strictObject({
    cmd: z
      .string()
      .min(1, 'cmd is empty')
      .refine((cmd) => !cmd.includes('\0'), 'cmd contains a NUL byte')
      .describe(
        'Shell code run by /bin/sh -c on the host. {{ vars }} are inserted as they are, unquoted: see the README before using them.',
      ),
    creates: hostPath.optional().describe('Skip the command when this path exists; it must exist after.'),
    removes: hostPath
      .optional()
      .describe('Run the command only when this path exists; it must be gone after.'),
    changed_when: z
      .enum(['always', 'never'])
      .default('always')
      .describe(
        'always: running it is a change (skipped in --check). never: a read-only check, run in every probe (in --check too); the task fails when it exits non-zero.',
      ),
    timeout: z
      .number()
      .int('must be a whole number of seconds')
      .positive('must be at least 1 second')
      .optional()
      .describe('Seconds the command may run on the host (coreutils timeout; exit 124 when it expires).'),
  })
  .refine((params) => params.changed_when === 'always' || (!params.creates && !params.removes), {
    message: 'changed_when: never makes the command a read-only check: creates/removes do not apply to it',
  });

export type CommandParams = z.output<typeof commandParams>;
