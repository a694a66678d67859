// A lab for a human to poke at:
//   node --import tsx test/lab/cli.ts up --hosts 3 [--kernel legacy] [--init sysvinit] [--seed incident1]
//                                       [--known-hosts hashed] [--dir D]
// Prints where the inventory, known_hosts and key are, then runs until SIGINT/SIGTERM and tears down.
import { parseArgs } from 'node:util';
import {
  type InitFlavour,
  type KernelProfile,
  type LabOptions,
  seedHosts,
  seeds,
  startLab,
} from './index.js';

const usage = `usage: cli.ts up --hosts N [--kernel modern|legacy] [--init systemd|sysvinit|rhel6]
                [--seed ${Object.keys(seeds).join('|')}] [--known-hosts plain|hashed|mixed] [--dir D]`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      hosts: { type: 'string', default: '3' },
      kernel: { type: 'string', default: 'modern' },
      init: { type: 'string', default: 'systemd' },
      seed: { type: 'string' },
      'known-hosts': { type: 'string', default: 'plain' },
      dir: { type: 'string' },
    },
  });
  const count = Number(values.hosts);
  const seed = values.seed === undefined ? undefined : seeds[values.seed];
  if (positionals[0] !== 'up' || !Number.isInteger(count) || count < 1 || (values.seed && !seed)) {
    console.error(usage);
    return 2;
  }
  const spec = { kernel: values.kernel as KernelProfile, init: values.init as InitFlavour };
  const started = performance.now();
  const lab = await startLab({
    hosts: Array.from({ length: count }, () => spec),
    knownHosts: values['known-hosts'] as LabOptions['knownHosts'],
    ...(values.dir ? { dir: values.dir } : {}),
  });
  if (seed) await seedHosts(lab, seed);
  const first = lab.hosts[0];
  console.log(
    `lab up in ${Math.round(performance.now() - started)} ms: ${lab.hosts.length} hosts in ${lab.dir}`,
  );
  console.log(`inventory:   ${lab.inventoryPath}`);
  console.log(`known_hosts: ${lab.knownHostsPath}`);
  console.log(`key:         ${lab.privateKeyPath}`);
  if (first) {
    console.log(
      `try:         ssh -i ${lab.privateKeyPath} -o UserKnownHostsFile=${lab.knownHostsPath} root@${first.address} lsmod`,
    );
  }
  console.log('Ctrl-C (SIGINT) or SIGTERM stops it and removes everything.');
  // The lab's own SIGINT/SIGTERM handlers stop it and exit; this only keeps the process alive.
  setInterval(() => {}, 1 << 30);
  return new Promise<number>(() => {});
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
