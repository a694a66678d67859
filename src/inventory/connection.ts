import { z } from 'zod';
import { connectionVarsShape } from './schema.js';
import type { HostConnection } from './types.js';

const connectionVars = z.object(connectionVarsShape);

/**
 * The SSH connection from a host's merged variables. Values that failed validation were
 * reported where they were written; here they fall back to the defaults so the rest of the
 * inventory can still be checked.
 */
export function connectionOf(
  host: string,
  vars: Record<string, unknown>,
  defaultUser: string,
): HostConnection {
  const pick = (name: keyof typeof connectionVarsShape) => {
    const checked = connectionVars.shape[name].safeParse(vars[name]);
    return checked.success ? checked.data : undefined;
  };
  const address = pick('ansible_host') ?? pick('ansible_ssh_host');
  const port = pick('ansible_port') ?? pick('ansible_ssh_port');
  const user = pick('ansible_user') ?? pick('ansible_ssh_user');
  const privateKeyFile = pick('ansible_ssh_private_key_file');
  const becomeUser = pick('ansible_become_user');
  return {
    address: typeof address === 'string' ? address : host,
    port: typeof port === 'number' ? port : 22,
    user: typeof user === 'string' ? user : defaultUser,
    ...(typeof privateKeyFile === 'string' ? { privateKeyFile } : {}),
    become: pick('ansible_become') === true,
    ...(typeof becomeUser === 'string' ? { becomeUser } : {}),
  };
}
