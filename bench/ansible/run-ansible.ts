// ansible-playbook on the same fleet and incidents, tuned as a fleet user would tune it
// (ansible.cfg: pipelining, ControlPersist; forks = hosts), from a cold start: a fresh
// ControlPath directory per run, and the masters ended after each run. With Mitogen, the same
// run with strategy mitogen_linear.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Fleet } from '../fleet.js';
import { REPO } from '../playbook.js';
import { measureOnFleet, sampleOf } from '../run-on-fleet.js';
import { type BenchContext, GateError, type Sample } from '../sample.js';
import { HASHSIZE } from '../verify-hosts.js';
import { parseRecap } from './recap.js';

export type AnsibleVariant = 'ansible' | 'mitogen';
export type AnsiblePhase = 'first' | 'second';

const HERE = path.join(REPO, 'bench', 'ansible');

/** Debian's ansible-mitogen installs its strategies into Ansible's own plugin directory too. */
function mitogenStrategyDir(): string | undefined {
  const r = spawnSync(
    'python3',
    ['-c', 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))'],
    {
      encoding: 'utf8',
    },
  );
  const dir = path.join(r.stdout.trim(), 'plugins', 'strategy');
  return r.status === 0 && existsSync(dir) ? dir : undefined;
}

/** Raised when Ansible itself did not run (e.g. Mitogen refuses this ansible-core): not a bench failure. */
export class AnsibleDidNotRun extends Error {
  override name = 'AnsibleDidNotRun';
}

export async function runAnsible(
  fleet: Fleet,
  ctx: BenchContext,
  variant: AnsibleVariant,
  phase: AnsiblePhase,
): Promise<Sample> {
  // ssh's ControlPath must fit a socket address (108 bytes): a short directory under /tmp.
  const controlDir = mkdtempSync('/tmp/nfb-cp-');
  const sshLog = path.join(ctx.dir, `ssh-${variant}-${phase}.log`);
  writeFileSync(sshLog, '');
  const strategyDir = variant === 'mitogen' ? mitogenStrategyDir() : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANSIBLE_CONFIG: path.join(HERE, 'ansible.cfg'),
    ANSIBLE_FORKS: String(fleet.hosts.length),
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_SSH_EXECUTABLE: path.join(HERE, 'ssh-counting.sh'),
    ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${fleet.knownHostsPath} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
    ANSIBLE_LOCAL_TEMP: path.join(ctx.dir, 'ansible-tmp'),
    NETFIX_BENCH_SSH_LOG: sshLog,
    SSH_AUTH_SOCK: '',
    ...(variant === 'mitogen' ? { ANSIBLE_STRATEGY: 'mitogen_linear' } : {}),
    ...(strategyDir ? { ANSIBLE_STRATEGY_PLUGINS: strategyDir } : {}),
  };
  const args = [
    '-i',
    fleet.inventoryPath,
    path.join(HERE, 'incidents.yml'),
    '-e',
    `conntrack_hashsize=${HASHSIZE}`,
    // Mitogen keys its connections by interpreter and does not read interpreter_python from
    // ansible.cfg for every task: without the variable it opened three connections per host
    // (/usr/bin/python, python3, /usr/bin/python3). It also turns ssh compression on, which on
    // this loopback "network" only costs CPU (plain Ansible runs without -C too).
    '-e',
    'ansible_python_interpreter=/usr/bin/python3',
    ...(variant === 'mitogen' ? ['-e', '{"mitogen_ssh_compression": false}'] : []), // JSON: a boolean, not "false"
    ...(ctx.incidents.includes(3) ? [] : ['--skip-tags', 'incident3']),
  ];
  try {
    const run = await measureOnFleet(fleet, ctx, `${variant}-${phase}`, 'ansible-playbook', args, env);
    const recap = parseRecap(run.stdout);
    const output = `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`;
    if (recap.length === 0 && !run.timedOut)
      throw new AnsibleDidNotRun(`${variant}: exit ${run.exitCode}, no PLAY RECAP:\n${errorLines(output)}`);
    const why = (problem: string) => new GateError(`${variant} ${phase}: ${problem}\n${errorLines(output)}`);
    if (run.timedOut) throw why(`timed out after ${ctx.timeoutMs / 1000} s`);
    if (recap.length !== fleet.hosts.length)
      throw why(`${recap.length} hosts in the recap, ${fleet.hosts.length} in the fleet`);
    const bad = recap.filter(
      (h) => h.failed > 0 || h.unreachable > 0 || (phase === 'first' ? h.changed === 0 : h.changed > 0),
    );
    if (bad.length > 0) {
      const h = bad[0]!;
      throw why(
        `${bad.length} hosts wrong, e.g. ${h.host}: changed=${h.changed} failed=${h.failed} unreachable=${h.unreachable}`,
      );
    }
    if (run.exitCode !== 0) throw why(`exit ${run.exitCode}`);
    const sessions = sessionsPerHost(sshLog, fleet);
    // No session counted: the wrapper was not used, so the count is unknown, not zero.
    return sampleOf(run, sessions.some((n) => n > 0) ? sessions : null);
  } finally {
    rmSync(controlDir, { recursive: true, force: true });
  }
}

/** ssh processes Ansible started per host (fleet order), from ssh-counting.sh's log. */
function sessionsPerHost(sshLog: string, fleet: Fleet): number[] {
  const index = new Map(fleet.hosts.map((h, i) => [h.address, i]));
  const counts = fleet.hosts.map(() => 0);
  for (const line of readFileSync(sshLog, 'utf8').split('\n')) {
    const hit = line.split(' ').find((word) => index.has(word));
    if (hit !== undefined) counts[index.get(hit)!]!++;
  }
  return counts;
}

/** What to show of a failed run: error lines first, else the end of the output. */
function errorLines(output: string): string {
  const errors = output.split('\n').filter((l) => /ERROR|Error|FAILED|fatal|Traceback|Exception/.test(l));
  return (errors.length > 0 ? errors.slice(0, 15) : output.split('\n').slice(-15)).join('\n');
}
