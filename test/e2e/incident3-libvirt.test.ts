// Incident 3 on 10 hosts: 8 legacy kernels with `blacklist nf_conntrack_ipv4` (the firewall
// child of libvirtd hangs, the default network never comes up) and 2 current kernels with
// `install nf_conntrack /bin/false` (the network fails to start). --check lists the changes and
// touches nothing; apply removes only the blocking lines, restarts libvirtd exactly once per
// host and verifies its network; a second apply changes nothing and restarts nothing; the fix
// holds after a reboot.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident3, seedInstallFalse, startLab } from '../lab/index.js';
import { labFlags, readReport, runNetfix, scratchDir } from './netfix-cli.js';

const playbook = new URL('../../playbooks/libvirt-iptables-hang.yml', import.meta.url).pathname;
const legacy = Array.from({ length: 8 }, () => ({ kernel: 'legacy' as const }));

describe('incident 3: libvirtd and the NAT chain on 10 hosts', () => {
  let lab: Lab;
  const work = scratchDir();
  const starts = async (host: string) =>
    (await lab.journal(host)).filter((line) => line.includes('libvirt version')).length;
  const networkActive = async (host: string) =>
    /Active:\s+yes/.test((await lab.sh(host, 'virsh -r -c qemu:///system net-info default')).stdout);
  before(async () => {
    lab = await startLab({ hosts: [...legacy, {}, {}] });
    for (const host of lab.hosts.slice(0, 8)) await seedIncident3(lab, host.name);
    for (const host of lab.hosts.slice(8)) await seedInstallFalse(lab, host.name);
  });
  after(async () => {
    await lab?.stop();
  });

  it('starts broken: libvirtd active, its default network down', async () => {
    for (const host of lab.hosts) assert.equal(await networkActive(host.name), false, host.name);
    const stuck = await lab.sh(
      'hv001',
      'ps -eo args | grep -c "[i]ptables -w --table filter --insert FORWARD"',
    );
    assert.ok(Number(stuck.stdout.trim()) >= 1, 'the firewall child hangs on a legacy host');
  });

  it('--check lists the exact changes and changes nothing', async () => {
    const before = await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name)));
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--check']);
    assert.equal(run.exitCode, 4, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /~ remove 'blacklist nf_conntrack_ipv4' \(line 19\) from \/etc\/modprobe\.d\/blacklist\.conf/,
    );
    assert.match(run.stdout, /-blacklist nf_conntrack_ipv4\n/);
    assert.match(
      run.stdout,
      /~ remove 'install nf_conntrack \/bin\/false'.* from \/etc\/modprobe\.d\/nf-block\.conf/,
    );
    assert.match(run.stdout, /~ restart libvirtd/);
    assert.deepEqual(await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name))), before);
  });

  it('apply fixes every host with one libvirtd restart each, verified', async () => {
    const startsBefore = await Promise.all(lab.hosts.map((host) => starts(host.name)));
    const report = join(work, 'first.json');
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--timeout', '30', '--report', report]);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    for (const host of (await readReport(report)).hosts) {
      const handler = host.tasks.find((task) => task.handler);
      assert.equal(handler?.status, 'changed', `${host.name}: the restart ran and was verified`);
    }
    for (const [index, host] of lab.hosts.entries()) {
      assert.equal(await starts(host.name), startsBefore[index]! + 1, `${host.name}: restarted exactly once`);
      assert.equal(await networkActive(host.name), true, host.name);
      assert.equal((await lab.sh(host.name, 'cat /sys/class/net/virbr0/flags')).stdout.trim(), '0x1003');
    }
    // Only the blocking line went: the rest of the incident's blacklist.conf is still there.
    const blacklist = (await lab.sh('hv001', 'cat /etc/modprobe.d/blacklist.conf')).stdout;
    assert.doesNotMatch(blacklist, /nf_conntrack_ipv4/);
    assert.match(blacklist, /blacklist evbug\n/);
  });

  it('a second apply changes nothing, restarts nothing, in one exec per host; the fix holds after a reboot', async () => {
    const startsBefore = await Promise.all(lab.hosts.map((host) => starts(host.name)));
    const report = join(work, 'second.json');
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--report', report]);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    for (const host of (await readReport(report)).hosts) {
      assert.equal(host.status, 'ok', host.name);
      assert.deepEqual([host.stats.connects, host.stats.execs], [1, 1], host.name);
    }
    for (const [index, host] of lab.hosts.entries())
      assert.equal(await starts(host.name), startsBefore[index], `${host.name}: restarted without a change`);
    await lab.reboot();
    for (const host of lab.hosts)
      assert.equal(await networkActive(host.name), true, `${host.name} after reboot`);
  });
});
