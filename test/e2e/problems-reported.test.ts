// What no change can fix is reported with the file and line: a sysctl.d file that shadows the
// value at boot, a key whose module is not loaded at boot (incident 1's trap), and an
// `install nf_conntrack /bin/false` line that blocks every load. And a blacklist line is removed
// from a 40-line file with odd spacing and no final newline, every other byte kept.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, startLab } from '../lab/index.js';
import { labFlags, readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

describe('problems named by file and line', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: 3 });
  });
  after(async () => {
    await lab?.stop();
  });

  async function run(host: string, tasks: string) {
    const playbook = writePlaybook(
      work,
      `${host}.yml`,
      `- name: problems\n  hosts: ${host}\n  tasks:\n${tasks}`,
    );
    const report = join(work, `${host}.json`);
    const result = await runNetfix(['apply', ...labFlags(lab), playbook, '--report', report]);
    return { ...result, report: await readReport(report) };
  }

  it('a later sysctl.d file that shadows the value at boot', async () => {
    await lab.sh(
      'hv001',
      "modprobe br_netfilter && echo br_netfilter > /etc/modules-load.d/bridge.conf && printf '# vendor\\nnet.bridge.bridge-nf-call-iptables = 1\\n' > /etc/sysctl.d/99-zz-vendor.conf",
    );
    const result = await run(
      'hv001',
      '    - name: iptables off for bridges\n      sysctl: { name: net.bridge.bridge-nf-call-iptables, value: 0 }\n',
    );
    assert.equal(result.exitCode, 2, result.stdout + result.stderr);
    const messages = result.report.hosts[0]!.tasks[0]!.problems.map((problem) => problem.message).join('\n');
    assert.match(messages, /\/etc\/sysctl\.d\/99-zz-vendor\.conf:2/);
  });

  it("a key whose module is loaded now but not at boot (incident 1's trap)", async () => {
    await lab.sh('hv002', 'modprobe br_netfilter');
    const result = await run(
      'hv002',
      '    - name: iptables off for bridges\n      sysctl: { name: net.bridge.bridge-nf-call-iptables, value: 0 }\n',
    );
    assert.equal(result.exitCode, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /this value will be lost at boot: br_netfilter is not loaded before systemd-sysctl/,
    );
  });

  it('an install /bin/false line that blocks every load', async () => {
    await lab.sh(
      'hv003',
      "printf '# hardening\\nblacklist pcspkr\\ninstall nf_conntrack /bin/false\\n' > /etc/modprobe.d/harden.conf",
    );
    const result = await run('hv003', '    - name: conntrack\n      kernel_module: { name: nf_conntrack }\n');
    assert.equal(result.exitCode, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /\/etc\/modprobe\.d\/harden\.conf:3 has 'install nf_conntrack \/bin\/false': every load of nf_conntrack is blocked/,
    );
    const loaded = await lab.sh('hv003', 'test -e /sys/module/nf_conntrack; echo $?');
    assert.equal(loaded.stdout.trim(), '1', 'nothing was loaded');
  });

  it('removes one blacklist line from a 40-line file and keeps every other byte', async () => {
    const lines = Array.from({ length: 40 }, (_, index) =>
      index % 7 === 0 ? `#  comment ${index}\t with tabs` : `blacklist \t mod_${index}   `,
    );
    lines[23] = '   blacklist\tnf_conntrack_ipv4   # the one that hurts';
    const original = lines.join('\n'); // no final newline
    const expected = [...lines.slice(0, 23), ...lines.slice(24)].join('\n');
    await lab.sh(
      'hv001',
      'cat > /etc/modprobe.d/blacklist.conf && chmod 640 /etc/modprobe.d/blacklist.conf',
      {
        stdin: original,
      },
    );
    const result = await run(
      'hv001',
      '    - name: unblock conntrack\n      modprobe_blacklist: { module: nf_conntrack_ipv4, state: absent }\n',
    );
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.equal((await lab.sh('hv001', 'cat /etc/modprobe.d/blacklist.conf')).stdout, expected);
    const mode = (await lab.sh('hv001', 'stat -c %a /etc/modprobe.d/blacklist.conf')).stdout.trim();
    assert.equal(mode, '640', 'mode kept');
  });
});
