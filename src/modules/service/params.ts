import { z } from 'zod';
import { namePatterns } from '../../shell/index.js';

export const serviceParams = z
  .strictObject({
    name: z
      .string()
      .regex(namePatterns.service, `must be a service name matching ${namePatterns.service}`)
      .describe('Unit or init script name: libvirtd or libvirtd.service.'),
    state: z
      .enum(['started', 'stopped', 'restarted', 'reloaded'])
      .optional()
      .describe(
        'started/stopped converge; restarted/reloaded always run (use them as handlers). Reloading a stopped service starts it.',
      ),
    enabled: z.boolean().optional().describe('Start at boot (systemctl enable, chkconfig or update-rc.d).'),
  })
  .refine((params) => params.state !== undefined || params.enabled !== undefined, {
    message: 'give state, enabled or both',
  });

export type ServiceParams = z.output<typeof serviceParams>;

/** Wants the service running once the task is done. */
export function wantsRunning(params: ServiceParams): boolean {
  return params.state !== undefined && params.state !== 'stopped';
}

/** Incident 3's daemon, whose health is checked beyond "active". */
export function isLibvirtd(params: ServiceParams): boolean {
  return params.name === 'libvirtd' || params.name === 'libvirtd.service';
}

/** Init scripts have no unit suffix. */
export function sysvName(name: string): string {
  return name.endsWith('.service') ? name.slice(0, -'.service'.length) : name;
}
