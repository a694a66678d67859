// Incident 2: nf_conntrack loaded with hashsize 8192; the playbook wants 16384. netfix writes
// the options file and resizes the live table through sysfs without unloading the module; a
// read-only parameter is reported, never written and never silently ignored.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident2, startLab } from '../lab/index.js';
import { labFlags, labValue, readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const playbook = new URL('../../playbooks/nf-conntrack.yml', import.meta.url).pathname;

describe('incident 2: nf_conntrack hashsize', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: 2 });
    for (const host of lab.hosts) await seedIncident2(lab, host.name);
    // A marker inside the module's sysfs directory: a reload would recreate the directory without it.
    for (const host of lab.hosts)
      await lab.sh(host.name, 'echo before > /sys/module/nf_conntrack/netfix-test-marker');
  });
  after(async () => {
    await lab?.stop();
  });

  it('changes the live value without unloading and writes the options file', async () => {
    assert.equal(await labValue(lab, 'hv001', '/sys/module/nf_conntrack/parameters/hashsize'), '8192');
    const report = join(work, 'run.json');
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      playbook,
      '-e',
      'conntrack_hashsize=16384',
      '--report',
      report,
      '--diff',
    ]);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /set nf_conntrack\.hashsize live: 8192 -> 16384/);
    assert.match(run.stdout, /-options nf_conntrack hashsize=8192\n\s+\+options nf_conntrack hashsize=16384/);
    for (const host of lab.hosts) {
      assert.equal(await labValue(lab, host.name, '/sys/module/nf_conntrack/parameters/hashsize'), '16384');
      assert.equal(await labValue(lab, host.name, '/proc/sys/net/netfilter/nf_conntrack_buckets'), '16384');
      assert.equal(
        await labValue(lab, host.name, '/sys/module/nf_conntrack/netfix-test-marker'),
        'before',
        'module was reloaded',
      );
      assert.equal(
        await labValue(lab, host.name, '/etc/modprobe.d/nf_conntrack.conf'),
        'options nf_conntrack hashsize=16384',
      );
    }
    const result = await readReport(report);
    assert.ok(result.hosts.every((host) => host.status === 'changed'));
    await lab.reboot(['hv001']);
    assert.equal(
      await labValue(lab, 'hv001', '/sys/module/nf_conntrack/parameters/hashsize'),
      '16384',
      'after reboot',
    );
  });

  it('reports a read-only parameter instead of failing silently', async () => {
    const readOnly = writePlaybook(
      work,
      'readonly.yml',
      `- name: read-only parameter
  hosts: hv002
  tasks:
    - name: expect_hashsize is read-only at runtime
      kernel_module:
        name: nf_conntrack
        params: { hashsize: 16384, expect_hashsize: 2048 }
`,
    );
    const report = join(work, 'readonly.json');
    const run = await runNetfix(['apply', ...labFlags(lab), readOnly, '--report', report]);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /warning: nf_conntrack\.expect_hashsize is read-only at runtime \(mode 0400\)/);
    const task = (await readReport(report)).hosts[0]!.tasks[0]!;
    assert.equal(task.status, 'changed');
    const warning = task.problems.find((problem) => problem.message.includes('read-only'));
    assert.deepEqual([warning?.expected, warning?.severity], ['2048', 'warning']);
    assert.match(await labValue(lab, 'hv002', '/etc/modprobe.d/nf_conntrack.conf'), /expect_hashsize=2048/);
  });
});
