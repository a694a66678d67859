// Ctrl-C or SIGTERM: netfix starts no new host or task, lets the running command finish or time
// out, writes the report and exits 130 (SIGINT) or 143 (SIGTERM). --max-runtime stops the same
// way at its deadline and cuts the command still running then.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { labFlags, netfixBin, readReport, runNetfix, scratchDir, waitForHostProcess } from './netfix-cli.js';

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

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    it(`${signal} stops new work, writes the report and exits ${code}`, async () => {
      const report = join(work, `interrupted-${signal}.json`);
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
      child.kill(signal);
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(exitCode, code, output);
      assert.match(output, new RegExp(`${signal}: starting no new work`));
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

  it('--max-runtime stops the run at its deadline, cuts the hung command, and exits 2', async () => {
    const report = join(work, 'max-runtime.json');
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      '--forks',
      '1',
      '--timeout',
      '600',
      '--max-runtime',
      '3s',
      '--report',
      report,
      playbook,
    ]);
    assert.equal(run.exitCode, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /--max-runtime 3s reached: starting no new work/);
    assert.match(run.stdout, /STOPPED: --max-runtime 3s reached/);
    const result = await readReport(report);
    assert.equal(result.interrupted, false);
    assert.equal(result.stopped, '--max-runtime 3s reached');
    const [first, second] = result.hosts;
    // The hung modprobe was cut at the deadline, not after --timeout's 600 s.
    assert.match(
      first?.tasks[0]?.problems.map((problem) => problem.message).join('\n') ?? '',
      /timed out after \d+(\.\d+)?s in step/,
    );
    assert.equal(second?.status, 'skipped');
    assert.equal(second?.stats.connects, 0);
  });
});
