// Hosts that are odd on purpose. Decided behaviour:
// - a file netfix must write that is a symbolic link is refused (a host failure naming the path
//   and the link's target); nothing is written through the link and the link stays;
// - a file netfix must rewrite that holds bytes that are not UTF-8 is refused the same way, and
//   keeps every byte: the transport reads text as UTF-8, so those bytes could not be written back;
//   such bytes in files netfix only reads change nothing;
// - output a login shell prints before netfix's script (a chatty ~/.bashrc: text, binary, fake
//   record separators, a 200 kB line) is ignored; a login shell that exits before running the
//   script fails that host ("the probe printed nothing"); other hosts are fixed either way;
// - a variable's value is inserted once: `{{ }}`, quotes, `$()`, backticks and newlines in it reach
//   the file as written;
// - a playbook rejected at load changes no host (byte-identical snapshots).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, startLab } from '../lab/index.js';
import { labFlags, readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const nonUtf8Conf =
  "printf '# caf\\351 \\377 kept\\nblacklist nf_conntrack\\noptions nf_conntrack x=\\376\\n'";
const hostileValue =
  '{{ inventory_hostname }} $(touch /tmp/pwned) `id` \'single\' "double" back\\slash\nsecond line\n';

describe('hostile hosts', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: 5 });
    const sh = async (host: string, script: string) => {
      const result = await lab.sh(host, script);
      assert.equal(result.exitCode, 0, `${host}: ${script}\n${result.stderr}`);
    };
    await sh('hv001', 'ln -s /etc/passwd /etc/sysctl.d/90-netfix.conf');
    await sh(
      'hv002',
      `${nonUtf8Conf} > /etc/modprobe.d/local.conf; printf '# \\351t\\351\\n' > /etc/sysctl.d/10-latin1.conf`,
    );
    // Root's login shell is bash, which sshd starts with -c: bash reads ~/.bashrc then.
    const bashrc = (text: string) => ['cat > /root/.bashrc', { stdin: text }] as const;
    const chatty = `echo "Welcome to $(hostname)"
printf '\\036not-a-record\\n\\377\\376\\001binary\\n'
head -c 200000 /dev/zero | tr '\\0' x; echo
touch /root/bashrc-ran
`;
    for (const [host, text] of [
      ['hv003', chatty],
      ['hv004', 'echo "maintenance: logins disabled"\nexit 0\n'],
    ] as const) {
      const written = await lab.sh(host, ...bashrc(text));
      assert.equal(written.exitCode, 0, written.stderr);
    }
  });
  after(async () => {
    await lab?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a symlinked or non-UTF-8 target, survives a chatty login shell, and fixes the rest', async () => {
    const passwdBefore = await lab.sh('hv001', 'md5sum /etc/passwd');
    const latin1Before = await lab.sh(
      'hv002',
      'od -An -c /etc/modprobe.d/local.conf /etc/sysctl.d/10-latin1.conf',
    );
    const vars = writePlaybook(
      work,
      'vars.yml',
      `all:\n  vars:\n    hostile: ${JSON.stringify(hostileValue)}\n`,
    );
    const playbook = writePlaybook(
      work,
      'hostile.yml',
      `- hosts: all
  tasks:
    - name: forwarding on
      sysctl: { name: net.ipv4.ip_forward, value: 1 }
    - name: nf_conntrack not blacklisted
      modprobe_blacklist: { module: nf_conntrack, state: absent }
    - name: a value rendered once
      template: { dest: /etc/netfix-hostile.txt, content: "{{ hostile }}" }
`,
    );
    const report = join(work, 'run.json');
    const run = await runNetfix(['apply', ...labFlags(lab), '-i', vars, '--report', report, playbook]);
    assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
    const result = await readReport(report);
    const byName = new Map(result.hosts.map((host) => [host.name, host]));
    const problemsOf = (name: string) =>
      byName
        .get(name)!
        .tasks.flatMap((task) => task.problems.map((problem) => `${task.name}: ${problem.message}`))
        .join('\n');

    assert.equal(byName.get('hv001')!.status, 'failed');
    assert.match(
      problemsOf('hv001'),
      /forwarding on: .*refusing to write \/etc\/sysctl\.d\/90-netfix\.conf: it is a symbolic link \(to \/etc\/passwd\)/s,
    );
    assert.deepEqual(await lab.sh('hv001', 'md5sum /etc/passwd'), passwdBefore, '/etc/passwd unchanged');
    assert.equal((await lab.sh('hv001', 'readlink /etc/sysctl.d/90-netfix.conf')).stdout, '/etc/passwd\n');

    assert.equal(byName.get('hv002')!.status, 'failed');
    assert.match(
      problemsOf('hv002'),
      /nf_conntrack not blacklisted: .*refusing to write \/etc\/modprobe\.d\/local\.conf: it holds bytes that are not UTF-8/s,
    );
    assert.deepEqual(
      await lab.sh('hv002', 'od -An -c /etc/modprobe.d/local.conf /etc/sysctl.d/10-latin1.conf'),
      latin1Before,
      'every byte kept',
    );
    // The sysctl task on hv002 only read the Latin-1 file beside its own: it succeeded.
    assert.equal((await lab.sh('hv002', 'cat /proc/sys/net/ipv4/ip_forward')).stdout, '1\n');

    assert.equal(
      (await lab.sh('hv003', 'test -e /root/bashrc-ran && echo ran')).stdout,
      'ran\n',
      'bashrc was read',
    );
    assert.equal(byName.get('hv003')!.status, 'changed', problemsOf('hv003'));
    // The shell exited before the script ran: the host fails saying so, and the others are not
    // held up.
    assert.equal(byName.get('hv004')!.status, 'failed');
    assert.match(
      problemsOf('hv004'),
      /the probe ended before the end of its script \(exit 0\); it printed none of netfix's records: does the login shell's start-up \(~\/\.bashrc/,
    );
    assert.equal(byName.get('hv005')!.status, 'changed', problemsOf('hv005'));

    for (const host of ['hv003', 'hv005']) {
      const written = await lab.sh(host, 'cat /etc/netfix-hostile.txt');
      assert.equal(written.stdout, hostileValue, `${host}: the value as written, rendered once`);
    }
    assert.equal((await lab.sh('hv005', 'test -e /tmp/pwned || echo absent')).stdout, 'absent\n');
  });

  it('a playbook rejected at load changes no host', async () => {
    const before = await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name)));
    const playbook = writePlaybook(
      work,
      'rejected.yml',
      `- hosts: all
  tasks:
    - name: would change every host
      sysctl: { name: net.ipv4.ip_forward, value: 0 }
    - name: but this one is refused
      kernel_module: { name: "br_netfilter; reboot" }
`,
    );
    const run = await runNetfix(['apply', ...labFlags(lab), playbook]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.match(
      run.stderr,
      /rejected\.yml:6:30: plays\[0\]\.tasks\[1\]\.kernel_module\.name: must be a kernel module name/,
    );
    const afterRun = await Promise.all(lab.hosts.map((host) => lab.snapshot(host.name)));
    for (const [index, host] of lab.hosts.entries())
      assert.deepEqual(afterRun[index], before[index], `${host.name} changed`);
  });
});
