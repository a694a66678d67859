import { z } from 'zod';
import { parseJumpList, proxyJumpInSshArgs } from '../ssh/index.js';
import { inventoryPatterns } from './names.js';

// One schema per inventory file gives the TypeScript types, the validation with positions and
// the JSON Schema editors use (`netfix schema inventory`).

const portRange = 'must be a port number from 1 to 65535';
const portNumber = z.number().int(portRange).min(1, portRange).max(65535, portRange);
// Ansible accepts a quoted port ("2222"); the range is checked on the number either way.
const port = z
  .union(
    [
      portNumber,
      z
        .string()
        .regex(/^[0-9]{1,5}$/, portRange)
        .transform(Number)
        .pipe(portNumber),
    ],
    {
      error: portRange,
    },
  )
  .describe('SSH port (default 22).');

const user = z
  .string()
  .regex(inventoryPatterns.user, `must be a login name matching ${inventoryPatterns.user}`);

const address = z
  .string()
  .regex(
    inventoryPatterns.address,
    `must be a host name or IP address matching ${inventoryPatterns.address}`,
  );

const flag = z.boolean({ error: 'must be true or false' });

const jumpHosts = z.string().superRefine((value, context) => {
  const parsed = parseJumpList(value);
  if ('error' in parsed) context.addIssue({ code: 'custom', message: parsed.error });
});

// Ansible users put many ssh options here; netfix reads ProxyJump and refuses what it cannot do
// rather than silently connect another way.
const sshCommonArgs = z.string().superRefine((value, context) => {
  const { proxyJump, unsupported } = proxyJumpInSshArgs(value);
  for (const option of unsupported)
    context.addIssue({ code: 'custom', message: `${option} is not supported by netfix; use ProxyJump` });
  const parsed = proxyJump === undefined ? { hops: [] } : parseJumpList(proxyJump);
  if ('error' in parsed) context.addIssue({ code: 'custom', message: parsed.error });
});

/** The variables netfix reads itself. Every other variable is free-form and only used in templates. */
export const connectionVarsShape = {
  ansible_host: address.optional().describe('Address to connect to (default: the inventory host name).'),
  ansible_port: port.optional(),
  ansible_user: user.optional().describe('Login user (default: the user running netfix).'),
  ansible_ssh_private_key_file: z.string().min(1).optional().describe('Private key for this host.'),
  ansible_ssh_common_args: sshCommonArgs
    .optional()
    .describe(
      'Extra ssh arguments as Ansible passes them; netfix reads `-o ProxyJump=[user@]host[:port][,...]` ' +
        '(or `-J`) and ignores the rest, except ProxyCommand, which it refuses.',
    ),
  netfix_jump_host: jumpHosts
    .optional()
    .describe(
      'Connect through this jump host (bastion): `[user@]host[:port]`, comma-separated for a chain, ' +
        'or `none`; beats ansible_ssh_common_args and ProxyJump in ssh config.',
    ),
  ansible_become: flag
    .optional()
    .describe('Run as root through `sudo -n`; overrides the play keyword `become`.'),
  ansible_become_user: user.optional().describe('User to become (default root).'),
  ansible_group_priority: z
    .number()
    .int()
    .optional()
    .describe(
      'Group vars only: among groups of equal depth, higher priority wins (default 1), as in Ansible.',
    ),
  // Older spellings that Ansible still reads; the ansible_* names above win when both are set.
  ansible_ssh_host: address.optional().describe('Deprecated spelling of ansible_host.'),
  ansible_ssh_port: port.optional().describe('Deprecated spelling of ansible_port.'),
  ansible_ssh_user: user.optional().describe('Deprecated spelling of ansible_user.'),
} as const;

export const connectionVarNames: readonly string[] = Object.keys(connectionVarsShape);

/** Host or group vars: connection variables are checked, anything else is kept as written. */
export const inventoryVarsSchema = z.looseObject(connectionVarsShape).describe('Variables.');

const groupName = z
  .string()
  .regex(inventoryPatterns.group, `group names must match ${inventoryPatterns.group}`);

const hostKey = z
  .string()
  .regex(
    inventoryPatterns.hostKey,
    'host names may hold letters, digits, _ - . and Ansible ranges like hv[01:20]; no spaces or colons',
  );

const hostsSchema = z
  .record(hostKey, inventoryVarsSchema.nullable())
  .describe('Hosts of this group: host name to its variables (or nothing).');

export const inventoryGroupSchema = z
  .strictObject({
    hosts: hostsSchema.nullable().optional(),
    vars: inventoryVarsSchema
      .nullable()
      .optional()
      .describe('Variables for every host of this group and its children.'),
    // Recursive: TypeScript needs the getter's type spelt out to type a schema that contains itself.
    get children(): z.ZodOptional<
      z.ZodNullable<z.ZodRecord<typeof groupName, z.ZodNullable<typeof inventoryGroupSchema>>>
    > {
      return z
        .record(groupName, inventoryGroupSchema.nullable())
        .nullable()
        .optional()
        .describe('Child groups: their hosts are hosts of this group too.');
    },
  })
  // The id names the recursive definition in the JSON Schema ($defs/group).
  .meta({ id: 'group', description: 'A group: its hosts, variables and child groups.' });

/** A whole inventory file: group names (usually just `all`) to groups. */
export const inventoryFileSchema = z
  .record(groupName, inventoryGroupSchema.nullable(), {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'an inventory is a mapping of group names to groups, e.g. all: { hosts: { hv1: } }'
        : undefined,
  })
  .describe('netfix inventory (Ansible YAML inventory format).');

export type InventoryGroupInput = z.input<typeof inventoryGroupSchema>;
export type InventoryFileInput = z.input<typeof inventoryFileSchema>;
export type ConnectionVars = z.output<z.ZodObject<typeof connectionVarsShape>>;
