// A host whose sshd dies in the middle of a change: that host fails naming the step it was in,
// the others are fixed, no temporary or half-written file is left on it, and the next run
// converges.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { labFlags, netfixBin, readReport, runNetfix, scratchDir, waitForHostProcess } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;

describe('sshd killed during a task', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: 3 });
    for (const host of lab.hosts) await seedIncident1(lab, host.name);
    await lab.hangModprobe('hv001');
  });
  after(async () => {
    await lab?.stop();
  });

  it('fails that host alone, leaves no partial file, and the next run converges', async () => {
    const report = join(work, 'cut.json');
    const child = spawn(
      process.execPath,
      [netfixBin, 'apply', ...labFlags(lab), '--timeout', '60', '--report', report, playbook],
      {
        stdio: 'ignore',
      },
    );
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitForHostProcess(lab, 'hv001', 'modprobe br_netfilter');
    await lab.stopHost('hv001');
    assert.equal(await closed, 2);
    const result = await readReport(report);
    const cut = result.hosts.find((host) => host.name === 'hv001')!;
    assert.equal(cut.status, 'failed');
    // Whether sshd's death reaches netfix first as the end of the script or of the connection,
    // the task names the step it was in.
    assert.match(
      cut.tasks[0]!.problems.map((problem) => problem.message).join('\n'),
      /(connection lost while running "apply "br_netfilter is loaded and loads at boot"|session ended without an exit status).*; interrupted in step 1\/\d+, load module br_netfilter|load module br_netfilter: exit/s,
    );
    for (const name of ['hv002', 'hv003'])
      assert.equal(result.hosts.find((host) => host.name === name)?.status, 'changed');

    await lab.startHost('hv001');
    await lab.releaseModprobe('hv001');
    const leftovers = await lab.sh('hv001', 'ls -a /etc/modules-load.d /etc/sysctl.d | grep -c netfix-tmp');
    assert.equal(leftovers.stdout.trim(), '0', 'a temporary file was left behind');
    const again = await runNetfix(['apply', ...labFlags(lab), playbook, '--limit', 'hv001']);
    assert.equal(again.exitCode, 0, again.stdout + again.stderr);
    assert.equal(
      (await lab.sh('hv001', 'cat /proc/sys/net/bridge/bridge-nf-call-iptables')).stdout.trim(),
      '0',
    );
  });
});
