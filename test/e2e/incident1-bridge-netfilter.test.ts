// Incident 1 on 10 hosts: --check changes nothing and lists every change; apply fixes and
// verifies; a second apply changes nothing in one connect and one exec per host; after a
// reboot the bridge sysctl from /etc/sysctl.d holds (0), where before the fix it was lost.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { labFlags, labValue, readReport, runNetfix, scratchDir } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;
const sysctlPath = '/proc/sys/net/bridge/bridge-nf-call-iptables';

describe('incident 1: br_netfilter on 10 hosts', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: 10, knownHosts: 'mixed' });
    for (const host of lab.hosts) await seedIncident1(lab, host.name);
  });
  after(async () => {
    await lab?.stop();
  });

  it('shows the trap first: without the fix, a reboot loses the sysctl', async () => {
    const host = lab.hosts[0]!.name;
    await lab.reboot([host]);
    assert.match(await labValue(lab, host, sysctlPath), /No such file or directory/);
    const log = (await lab.bootLog(host)).join('\n');
    assert.match(log, /Couldn't write '0' to 'net\/bridge\/bridge-nf-call-iptables', ignoring/);
  });

  it('--check changes nothing, exits 4 and lists each change with a diff', async () => {
    const before = await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name)));
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--check']);
    assert.equal(run.exitCode, 4, run.stderr + run.stdout);
    assert.match(run.stdout, /10 hosts \(hv001, .*\): 2 changes/);
    // The sysctl tasks read keys that exist only once the first task has loaded br_netfilter.
    assert.match(run.stdout, /task "bridged IPv4 traffic bypasses iptables" \(.*\) may change:/);
    assert.match(
      run.stdout,
      /\? planned against the host as it is now, but task "br_netfilter is loaded and loads at boot" would change/,
    );
    assert.match(run.stdout, /~ load module br_netfilter/);
    assert.match(run.stdout, /~ load br_netfilter at boot \(\/etc\/modules-load\.d\/br_netfilter\.conf\)/);
    assert.match(run.stdout, /\+\+\+ \/etc\/modules-load\.d\/br_netfilter\.conf\n.*\n.*\n\s+\+br_netfilter/);
    const afterCheck = await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name)));
    assert.deepEqual(afterCheck, before, 'a check run changed a host');
  });

  it('apply fixes every host, verifies it, and the value holds after a reboot', async () => {
    const report = join(work, 'first.json');
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--report', report]);
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    const result = await readReport(report);
    assert.equal(result.hosts.length, 10);
    for (const host of result.hosts) {
      assert.equal(host.status, 'changed', `${host.name}: ${JSON.stringify(host)}`);
      assert.deepEqual(
        host.tasks[0]?.changes.map((change) => change.summary),
        ['load module br_netfilter', 'load br_netfilter at boot (/etc/modules-load.d/br_netfilter.conf)'],
      );
    }
    for (const host of result.hosts)
      assert.deepEqual(
        host.tasks.slice(1).map((task) => [task.status, task.changes.map((change) => change.summary)[0]]),
        [
          ['changed', 'set net.bridge.bridge-nf-call-iptables live: 1 -> 0'],
          ['changed', 'set net.bridge.bridge-nf-call-ip6tables live: 1 -> 0'],
          ['changed', 'set net.bridge.bridge-nf-call-arptables live: 1 -> 0'],
        ],
      );
    for (const host of lab.hosts) {
      assert.equal(await labValue(lab, host.name, '/sys/module/br_netfilter/initstate'), 'live');
      // Live at once, not only after the next boot: loading the module alone would leave 1.
      assert.equal(await labValue(lab, host.name, sysctlPath), '0', host.name);
    }
    await lab.reboot();
    for (const host of lab.hosts)
      for (const key of ['iptables', 'ip6tables', 'arptables'])
        assert.equal(
          await labValue(lab, host.name, `/proc/sys/net/bridge/bridge-nf-call-${key}`),
          '0',
          host.name,
        );
  });

  it('a second apply changes nothing, in 1 connect and 1 exec per host', async () => {
    const report = join(work, 'second.json');
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--stats', '--report', report]);
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    assert.match(
      run.stdout,
      /hv001\s+: ok=4 changed=0 unreachable=0 failed=0 skipped=0 {2}\| connects=1 execs=1 /,
    );
    const result = await readReport(report);
    for (const host of result.hosts) {
      assert.equal(host.status, 'ok', host.name);
      assert.deepEqual([host.stats.connects, host.stats.execs], [1, 1], host.name);
    }
  });
});
