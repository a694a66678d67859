// Ctrl-C: netfix starts no new host or task, lets the running command finish or time out,
// writes the report and exits 130.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { netfixBin, readReport, scratchDir, waitForHostProcess } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;

describe('interrupting a run', () => {
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

  it('SIGINT stops new work, writes the report and exits 130', async () => {
    const report = join(work, 'interrupted.json');
    const child = spawn(
      process.execPath,
      [
        netfixBin,
        'apply',
        '-i',
        lab.inventoryPath,
        '--known-hosts',
        lab.knownHostsPath,
        '--forks',
        '1',
        '--timeout',
        '4',
        '--report',
        report,
        playbook,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // hv001 is first and its modprobe hangs: interrupt while that command runs.
    await waitForHostProcess(lab, 'hv001', 'modprobe br_netfilter');
    child.kill('SIGINT');
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(exitCode, 130, output);
    assert.match(output, /SIGINT: starting no new work/);
    assert.ok(existsSync(report), 'report written');
    const result = await readReport(report);
    assert.equal(result.interrupted, true);
    const [first, second, third] = result.hosts;
    assert.match(
      first?.tasks[0]?.problems.map((problem) => problem.message).join('\n') ?? '',
      /timed out after 4s/,
    );
    for (const host of [second, third]) {
      assert.equal(host?.stats.connects, 0, `${host?.name} was contacted after the interrupt`);
      assert.match(host?.error ?? '', /interrupted/);
    }
    const untouched = await lab.sh('hv002', 'test -e /etc/modules-load.d/br_netfilter.conf; echo $?');
    assert.equal(untouched.stdout.trim(), '1');
  });
});
