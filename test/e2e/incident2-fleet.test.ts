// Incident 2 on 10 hosts (8 systemd, 2 RHEL 6): nf_conntrack was loaded by hand with another
// hash size, with no options file and nothing loading it at boot. --check lists the changes and
// touches nothing; apply fixes live value, options file and boot loading on each backend; a
// second apply is one exec per host; after a reboot the table has the wanted size.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, startLab } from '../lab/index.js';
import { labFlags, labValue, readReport, runNetfix, scratchDir } from './netfix-cli.js';

const playbook = new URL('../../playbooks/nf-conntrack.yml', import.meta.url).pathname;
const buckets = '/proc/sys/net/netfilter/nf_conntrack_buckets';

describe('incident 2: nf_conntrack on 10 hosts', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: [...Array(8).fill({}), { init: 'rhel6' }, { init: 'rhel6' }] });
    for (const host of lab.hosts) {
      const seeded = await lab.sh(
        host.name,
        'modprobe nf_conntrack hashsize=4096 && cat /sys/module/nf_conntrack/parameters/hashsize',
      );
      assert.equal(seeded.stdout.trim(), '4096', seeded.stderr);
    }
  });
  after(async () => {
    await lab?.stop();
  });

  it('--check lists the changes per backend and changes nothing', async () => {
    const before = await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name)));
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--check']);
    assert.equal(run.exitCode, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /8 hosts \(hv001, .*\): 3 changes/);
    assert.match(run.stdout, /2 hosts \(hv009, hv010\): 3 changes/);
    assert.match(run.stdout, /~ set nf_conntrack\.hashsize live: 4096 -> 8192/);
    assert.match(run.stdout, /\+options nf_conntrack hashsize=8192/);
    assert.match(run.stdout, /~ load nf_conntrack at boot \(\/etc\/modules-load\.d\/nf_conntrack\.conf\)/);
    assert.match(
      run.stdout,
      /~ load nf_conntrack at boot \(\/etc\/sysconfig\/modules\/nf_conntrack\.modules\)/,
    );
    assert.match(run.stdout, /task "the live table has that many buckets" .* may change:/);
    const afterCheck = await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name)));
    assert.deepEqual(afterCheck, before);
  });

  it('apply fixes every host, a second apply costs one exec, and a reboot keeps the size', async () => {
    const first = await runNetfix(['apply', ...labFlags(lab), playbook]);
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    for (const host of lab.hosts) {
      assert.equal(await labValue(lab, host.name, buckets), '8192', host.name);
      assert.equal(await labValue(lab, host.name, '/sys/module/nf_conntrack/parameters/hashsize'), '8192');
    }
    const rhel6 = await lab.sh('hv009', 'stat -c %a /etc/sysconfig/modules/nf_conntrack.modules');
    assert.equal(rhel6.stdout.trim(), '755');

    const report = join(work, 'second.json');
    const second = await runNetfix(['apply', ...labFlags(lab), playbook, '--report', report]);
    assert.equal(second.exitCode, 0, second.stdout + second.stderr);
    for (const host of (await readReport(report)).hosts) {
      assert.equal(host.status, 'ok', host.name);
      assert.equal(host.stats.execs, 1, host.name);
    }

    await lab.reboot();
    for (const host of lab.hosts) {
      assert.equal(await labValue(lab, host.name, '/sys/module/nf_conntrack/initstate'), 'live', host.name);
      assert.equal(await labValue(lab, host.name, buckets), '8192', host.name);
    }
  });
});
