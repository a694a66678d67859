import { exitCodes, InputError } from '../errors.js';
import { loadInventories, selectHosts } from '../inventory/index.js';
import type { InventoryArgs } from './inventory.js';

export async function runInventory(argv: InventoryArgs): Promise<number> {
  const { inventory, problems } = loadInventories(argv.inventory);
  if (problems.length > 0) throw new InputError(problems);
  const selected = selectHosts(inventory, argv.limit ?? 'all');
  if (selected.problems.length > 0)
    throw new InputError(
      selected.problems.map((message) => ({ file: '--limit', line: 0, col: 0, field: '', message })),
    );
  const lines: string[] = [];
  for (const name of selected.hosts) {
    const host = inventory.hosts.get(name);
    if (!host) continue;
    const { user, address, port, become, becomeUser } = host.connection;
    const sudo = become ? ` (sudo -n${becomeUser ? ` -u ${becomeUser}` : ''})` : '';
    lines.push(`${name}  ${user}@${address}:${port}${sudo}  groups: ${host.groups.join(',') || '-'}`);
    if (argv.vars) lines.push(`  vars: ${JSON.stringify(host.vars)}`);
  }
  lines.push(`${selected.hosts.length} host${selected.hosts.length === 1 ? '' : 's'} selected`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return exitCodes.ok;
}
