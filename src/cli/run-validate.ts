import { exitCodes } from '../errors.js';
import { loadRunInput } from './load-run-input.js';
import type { ValidateArgs } from './validate.js';

export async function runValidate(argv: ValidateArgs): Promise<number> {
  const hosts = loadRunInput({
    inventories: argv.inventory,
    playbooks: argv.playbooks ?? [],
    limit: argv.limit,
    extraVars: argv['extra-vars'],
  });
  const tasks = hosts.reduce(
    (sum, host) => sum + host.plays.reduce((n, play) => n + play.tasks.length, 0),
    0,
  );
  process.stdout.write(
    `ok: ${(argv.playbooks ?? []).length} playbook(s), ${hosts.length} host(s), ${tasks} task(s) rendered and valid; no host was contacted\n`,
  );
  return exitCodes.ok;
}
