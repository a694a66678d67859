// npm run bench -- [--hosts 10,50,200] [--delays 0,10] [--reps 3] [--skip-ansible] ...
import { parseArgs } from 'node:util';
import type { Incident } from './seed.js';

export interface BenchOptions {
  hosts: number[];
  delays: number[];
  /** Repetitions of netfix and the floor where hosts <= 50 (the median is reported). */
  reps: number;
  /** Repetitions where hosts > 50. */
  repsLarge: number;
  /** Host counts at which Ansible runs (an Ansible run at 200 hosts takes many minutes here). */
  ansibleHosts: number[];
  /** Delays at which Ansible runs: the targets compare at 10 ms, and each Ansible run is minutes. */
  ansibleDelays: number[];
  ansibleReps: number;
  skipAnsible: boolean;
  skipMitogen: boolean;
  /** Every host count; undefined: automatic (incident3MaxHosts, preflight.ts). */
  incidents: Incident[] | undefined;
  /**
   * Largest host count that gets incident 3 when --incidents is not given. Its libvirtd task
   * scans /proc, and the lab's hosts share one PID namespace: each host scans every lab process,
   * so the lab's cost grows with hosts squared (1.6 s of CPU per host and probe at 200 hosts).
   */
  incident3MaxHosts: number;
  /** Per measured command. */
  timeoutSec: number;
  quietWaitSec: number;
  outDir: string;
  /** Replace the table between <!-- bench:start --> and <!-- bench:end --> in README.md. */
  readme: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --hosts LIST         host counts (default 10,50,200; 1000 works)
  --delays LIST        one-way delays in ms added by the relays (default 0,10)
  --reps N             repetitions of netfix and the floor for hosts <= 50 (default 3; median reported)
  --reps-large N       repetitions for hosts > 50 (default 1)
  --ansible-hosts LIST host counts at which Ansible runs (default: those of --hosts <= 50)
  --ansible-delays LIST delays at which Ansible runs (default 10, or --delays without 10)
  --ansible-reps N     repetitions of Ansible (default 1)
  --skip-ansible       netfix and the floor only (no apt-get)
  --skip-mitogen       Ansible without the Mitogen variant
  --incidents LIST     at every host count, e.g. 1,2 (default: 1,2,3 up to --incident3-max-hosts,
                       1,2 above, and 1,2 everywhere when incident 3's playbook fails on the lab)
  --incident3-max-hosts N  (default 50; see bench/README.md)
  --timeout S          limit per measured command (default 3600)
  --quiet-wait S       before each run, wait up to S s for other work on the machine to stop (default 120)
  --out DIR            results directory (default bench/results)
  --readme             also put the table into README.md between <!-- bench:start --> and <!-- bench:end -->`;

function list(value: string, name: string): number[] {
  const numbers = value.split(',').map((v) => Number(v.trim()));
  if (numbers.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`--${name}: not a list of whole numbers: ${value}`);
  return numbers;
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: not a positive whole number: ${value}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: 'string', default: '10,50,200' },
      delays: { type: 'string', default: '0,10' },
      reps: { type: 'string', default: '3' },
      'reps-large': { type: 'string', default: '1' },
      'ansible-hosts': { type: 'string' },
      'ansible-delays': { type: 'string' },
      'ansible-reps': { type: 'string', default: '1' },
      'skip-ansible': { type: 'boolean', default: false },
      'skip-mitogen': { type: 'boolean', default: false },
      incidents: { type: 'string' },
      'incident3-max-hosts': { type: 'string', default: '50' },
      timeout: { type: 'string', default: '3600' },
      'quiet-wait': { type: 'string', default: '120' },
      out: { type: 'string', default: 'bench/results' },
      readme: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const hosts = list(values.hosts, 'hosts');
  if (hosts.some((n) => n < 1)) throw new Error('--hosts: every count must be at least 1');
  const incidents = values.incidents === undefined ? undefined : list(values.incidents, 'incidents');
  if (incidents?.some((i) => i < 1 || i > 3)) throw new Error('--incidents: 1, 2 and/or 3');
  const delays = list(values.delays, 'delays');
  return {
    hosts,
    delays,
    reps: positive(values.reps, 'reps'),
    repsLarge: positive(values['reps-large'], 'reps-large'),
    ansibleHosts:
      values['ansible-hosts'] === undefined
        ? hosts.filter((n) => n <= 50)
        : list(values['ansible-hosts'], 'ansible-hosts'),
    ansibleDelays:
      values['ansible-delays'] === undefined
        ? delays.includes(10)
          ? [10]
          : delays
        : list(values['ansible-delays'], 'ansible-delays'),
    ansibleReps: positive(values['ansible-reps'], 'ansible-reps'),
    skipAnsible: values['skip-ansible'],
    skipMitogen: values['skip-mitogen'],
    incidents: incidents as Incident[] | undefined,
    incident3MaxHosts: positive(values['incident3-max-hosts'], 'incident3-max-hosts'),
    timeoutSec: positive(values.timeout, 'timeout'),
    quietWaitSec: list(values['quiet-wait'], 'quiet-wait')[0] ?? 0,
    outDir: values.out,
    readme: values.readme,
  };
}
