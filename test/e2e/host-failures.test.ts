// A host that is down, a host with a wrong host key and a host whose modprobe hangs each fail
// alone with their cause; the other hosts are fixed and finish long before the hang times out.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;
const TIMEOUT_S = 15;

describe('faults stay with their host', () => {
  let lab: Lab;
  const work = scratchDir();
  let knownHosts: string;
  before(async () => {
    lab = await startLab({ hosts: 6 });
    for (const host of lab.hosts) await seedIncident1(lab, host.name);
    await lab.stopHost('hv001');
    await lab.hangModprobe('hv003');
    // hv002's entry gets hv004's key: the key hv002 offers no longer matches (a "changed" key).
    const [hv002, hv004] = [lab.hosts[1]!, lab.hosts[3]!];
    const key = hv004.knownHostsLine.split(' ').slice(1).join(' ');
    knownHosts = join(work, 'known_hosts');
    const lines = lab.hosts.map((host) =>
      host === hv002 ? `${host.knownHostsLine.split(' ')[0]} ${key}` : host.knownHostsLine,
    );
    writeFileSync(knownHosts, `${lines.join('\n')}\n`);
  });
  after(async () => {
    await lab?.stop();
  });
  /** apply on this lab, with the known_hosts in which hv002's key has changed. */
  const applyOnLab = (args: string[]) =>
    runNetfix(['apply', '-i', lab.inventoryPath, '--known-hosts', knownHosts, ...args]);

  it('reports each cause, fixes the rest, and the healthy hosts do not wait for the hung one', async () => {
    const report = join(work, 'run.json');
    const run = await applyOnLab([
      '--timeout',
      String(TIMEOUT_S),
      '--connect-timeout',
      '5',
      '--report',
      report,
      playbook,
    ]);
    assert.equal(run.exitCode, 2, `a failed task means exit 2\n${run.stdout}\n${run.stderr}`);
    const result = await readReport(report);
    const byName = new Map(result.hosts.map((host) => [host.name, host]));

    const down = byName.get('hv001')!;
    assert.equal(down.status, 'unreachable');
    assert.match(down.error ?? '', /refused/i);

    const wrongKey = byName.get('hv002')!;
    assert.equal(wrongKey.status, 'unreachable');
    assert.match(wrongKey.error ?? '', /changed/i);
    assert.ok(wrongKey.error?.includes(lab.hosts[1]!.hostKeyFingerprint), 'names the offered fingerprint');
    assert.ok(wrongKey.error?.includes(lab.hosts[3]!.hostKeyFingerprint), 'names the expected fingerprint');
    assert.ok(wrongKey.error?.includes(knownHosts), 'names the file to fix');

    const hung = byName.get('hv003')!;
    assert.equal(hung.status, 'failed');
    const hungTask = hung.tasks[0]!;
    assert.equal(hungTask.status, 'failed');
    const hungText = hungTask.problems.map((problem) => problem.message).join('\n');
    assert.match(hungText, new RegExp(`timed out after ${TIMEOUT_S}s`));
    assert.match(hungText, /in step 1\/2, load module br_netfilter: `modprobe br_netfilter` did not return/);
    // The stuck process, read on a second channel before the kill: pid, command, state, stack.
    assert.match(
      hungText,
      /left running:\n {2}pid \d+ `[^`]*modprobe br_netfilter`.* is stuck in D state.*kernel stack: /,
    );

    for (const name of ['hv004', 'hv005', 'hv006']) {
      const host = byName.get(name)!;
      assert.equal(host.status, 'changed', `${name}: ${host.error ?? ''}`);
      // Not a speed target: an ordering fact. Healthy hosts ran in parallel with the hang and
      // could only finish after it if the hang held them up.
      assert.ok(
        host.durationMs < TIMEOUT_S * 1000,
        `${name} took ${host.durationMs}ms, as long as the hung host`,
      );
    }
    assert.match(run.stderr, /\[hv001\] unreachable: .*refused/i);
    assert.match(`${run.stdout}${run.stderr}`, /hv003 .*failed=1/);
    const stuck = readFileSync(report, 'utf8');
    assert.ok(stuck.length > 0);
  });

  it('exits 3 when hosts are unreachable and none failed', async () => {
    const run = await applyOnLab(['--limit', 'hv001:hv002', playbook]);
    assert.equal(run.exitCode, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /hv001\s+: ok=0 changed=0 unreachable=1/);
  });

  it('a script killed mid-change fails its task, and what it printed is not trusted', async () => {
    // The command kills the shell running netfix's script: the step's output ends early.
    const file = writePlaybook(
      work,
      'killer.yml',
      `- hosts: hv005
  tasks:
    - name: the shell dies under netfix
      command:
        cmd: kill -9 $PPID
    - name: never reached
      command:
        cmd: 'true'
`,
    );
    const report = join(work, 'killed.json');
    const run = await applyOnLab([file, '--report', report]);
    assert.equal(run.exitCode, 2, run.stdout + run.stderr);
    const [killed, next] = (await readReport(report)).hosts[0]!.tasks;
    assert.equal(killed?.status, 'failed');
    assert.match(
      killed?.problems.map((problem) => problem.message).join('\n') ?? '',
      /the change ended before the end of its script \(killed by SIGKILL\); .*step 1\/1/,
    );
    assert.equal(next?.status, 'skipped');
  });
});
