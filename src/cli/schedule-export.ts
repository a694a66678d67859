import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import { loadSchedule } from '../schedule/index.js';
import { kubernetesManifests } from '../schedule/kubernetes.js';
import type { ScheduleExportArgs } from './schedule.js';

export async function runScheduleExport(argv: ScheduleExportArgs): Promise<number> {
  const spec = await loadSchedule(argv['state-dir'], argv.name);
  const problem = (message: string) =>
    new InputError([{ file: 'schedule export', line: 0, col: 0, field: '', message }]);
  if (!Number.isInteger(argv.shards) || argv.shards < 1 || argv.shards > 1000)
    throw problem(`--shards ${argv.shards}: use a whole number from 1 to 1000`);
  // CronJob names are capped at 52 characters (the Job controller appends a suffix).
  if (`netfix-${spec.name}`.length > 52)
    throw problem(`schedule name '${spec.name}' is too long for a CronJob (45 characters at most)`);
  const paths = [
    ...spec.inventories,
    ...spec.playbooks,
    ...(spec.connection.knownHosts ? [spec.connection.knownHosts] : []),
  ];
  const files = new Map<string, string>();
  for (const path of paths) files.set(path, await readFile(path, 'utf8'));
  const manifests = kubernetesManifests(spec, {
    image: argv.image,
    shards: argv.shards,
    namespace: argv.namespace,
    historySecret: argv['history-secret'],
    sshSecret: argv['ssh-secret'],
    files,
  });
  const header = [
    `# netfix schedule ${spec.name} as a Kubernetes CronJob: ${argv.shards} runner(s), each one shard of the hosts.`,
    '# Create the Secrets it reads first:',
    `#   kubectl create secret generic ${argv['history-secret']} --from-literal=url='postgres://user:password@host/netfix'`,
    `#   kubectl create secret generic ${argv['ssh-secret']} --type=kubernetes.io/ssh-auth --from-file=ssh-privatekey=KEY`,
    "# Point the inventory's ansible_ssh_private_key_file at /etc/netfix/ssh/ssh-privatekey.",
  ];
  const documents = manifests.map((manifest) => stringify(manifest, { lineWidth: 0 }));
  process.stdout.write(`${header.join('\n')}\n---\n${documents.join('---\n')}`);
  return 0;
}
