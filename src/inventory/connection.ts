import { z } from 'zod';
import { proxyJumpInSshArgs } from '../ssh/index.js';
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
  const commonArgs = pick('ansible_ssh_common_args');
  const jumpHost = pick('netfix_jump_host');
  const proxyJump =
    typeof jumpHost === 'string'
      ? jumpHost
      : typeof commonArgs === 'string'
        ? proxyJumpInSshArgs(commonArgs).proxyJump
        : undefined;
  const becomeUser = pick('ansible_become_user');
  return {
    address: typeof address === 'string' ? address : host,
    port: typeof port === 'number' ? port : 22,
    user: typeof user === 'string' ? user : defaultUser,
    ...(typeof privateKeyFile === 'string' ? { privateKeyFile } : {}),
    ...(proxyJump === undefined ? {} : { proxyJump }),
    become: pick('ansible_become') === true,
    ...(typeof becomeUser === 'string' ? { becomeUser } : {}),
  };
}

/**
 * Which of port and user the inventory left to netfix's defaults. ssh config may set those; what
 * the inventory sets beats ssh config, as with Ansible, which passes them to ssh as -o options.
 */
export function defaultedConnectionFields(vars: Record<string, unknown>): { port: boolean; user: boolean } {
  return {
    port: vars.ansible_port === undefined && vars.ansible_ssh_port === undefined,
    user: vars.ansible_user === undefined && vars.ansible_ssh_user === undefined,
  };
}
