// The lab itself: real sshd hosts, the simulated kernel's behaviour on the points the incidents
// depend on (kernel-facts.md), and clean-up. Run: node --import tsx --test test/lab/lab.test.ts
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  INCIDENT3_BLACKLIST,
  type Lab,
  type ShResult,
  seedIncident1,
  seedIncident2,
  seedIncident3,
  seedInstallFalse,
  startLab,
} from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** OpenSSH's client, verifying the host key against known_hosts (never accepting a new one). */
function ssh(lab: Lab, host: string, command: string, knownHosts = lab.knownHostsPath): Promise<ShResult> {
  const h = lab.hosts.find((x) => x.name === host);
  assert.ok(h, host);
  const args = [
    '-i',
    lab.privateKeyPath,
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
  ];
  args.push(
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-p',
    String(h.port),
  );
  return new Promise((resolve) => {
    execFile('ssh', [...args, `root@${h.address}`, command], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 255) : 0;
      resolve({ stdout, stderr, exitCode: code });
    });
  });
}

/** sh in the host, asserting success; returns stdout. */
async function run(lab: Lab, host: string, script: string): Promise<string> {
  const r = await lab.sh(host, script);
  assert.equal(r.exitCode, 0, `${host}: ${script}\n${r.stderr}`);
  return r.stdout;
}

/** Alive and not a zombie (an orphan killed by the reaper may wait a moment for init to reap it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Until check() holds, or fail after timeoutMs. */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`still not ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The command lines of this host's iptables and modprobe processes (ps sees every host's: no pid namespace). */
const BLOCKED = `me=$(readlink /proc/self/ns/mnt)
for p in $(pgrep -f -- '^(/usr/sbin/iptables|/sbin/modprobe) '); do
  [ "$(readlink /proc/$p/ns/mnt 2>/dev/null)" = "$me" ] && ps -o args= -p "$p"
done
true`;

const INCIDENT3_CHILDREN = [
  '/sbin/modprobe -q -- iptable_nat',
  '/usr/sbin/iptables -w --table filter --insert FORWARD --destination 192.168.122.0/24 --out-interface virbr0 --match conntrack --ctstate ESTABLISHED,RELATED --jump ACCEPT',
];

/** Starts of libvirtd in journal lines: it writes its version at every start, on any init system. */
function libvirtdStarts(lines: string[]): number {
  return lines.filter((l) => /^libvirtd\[\d+\]: libvirt version: /.test(l)).length;
}

function labPids(lab: Lab): { daemon: number; sshd: number[] } {
  const state = JSON.parse(readFileSync(path.join(lab.dir, 'state.json'), 'utf8')) as {
    daemonPid: number;
    hosts: Record<string, { pid: number }>;
  };
  return { daemon: state.daemonPid, sshd: Object.values(state.hosts).map((h) => h.pid) };
}

function rootMountsMention(text: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').includes(text);
}

describe('lab', () => {
  let lab: Lab;
  // One lab for the suite; each test works on its own host, so they do not see each other's state.
  before(async () => {
    lab = await startLab({
      knownHosts: 'mixed',
      hosts: [
        {}, // hv001 ssh, isolation, snapshot
        {}, // hv002 incident 1
        {}, // hv003 blacklist / install
        {}, // hv004 incident 2, parameters
        { kernel: 'legacy' }, // hv005 incident 3 hang (CentOS 7)
        { init: 'sysvinit' }, // hv006 Debian without systemd
        { kernel: 'legacy', init: 'rhel6' }, // hv007 CentOS 6
        {}, // hv008 fault knob, stop/start host
        { kernel: 'legacy' }, // hv009 incident 3 with libvirtd (CentOS 7)
        {}, // hv010 incident 3 on a modern kernel: install /bin/false
        {}, // hv011 libvirtd, virsh, /sys/class/net, the journal
      ],
    });
  });
  after(() => lab?.stop());

  test('a host accepts the lab key over real ssh, and its known_hosts entries verify (hashed and plain)', async () => {
    const lines = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n');
    assert.match(lines[0] ?? '', /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /, 'mixed: the first entry is hashed');
    assert.match(lines[1] ?? '', /^127\.\d+\.\d+\.\d+ ssh-ed25519 /, 'mixed: the second is plain');
    for (const host of ['hv001', 'hv002']) {
      const r = await ssh(lab, host, 'echo "$(id -un)@$(hostname)"; lsmod | head -1');
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout, `root@${host}\nModule                  Size  Used by\n`);
    }
    // The fingerprint is what ssh-keygen computes from the host's public key line.
    const h = lab.hosts[0]!;
    const keygen = spawnSync('ssh-keygen', ['-l', '-f', '-'], {
      input: `${h.knownHostsLine}\n`,
      encoding: 'utf8',
    });
    assert.ok(keygen.stdout.includes(h.hostKeyFingerprint), keygen.stdout);
    // And the check is real: hv001's address with hv002's key is refused.
    const wrong = path.join(lab.dir, 'wrong_known_hosts');
    writeFileSync(wrong, `${h.address} ${lab.hosts[1]!.knownHostsLine.split(' ').slice(1).join(' ')}\n`);
    const refused = await ssh(lab, 'hv001', 'true', wrong);
    assert.equal(refused.exitCode, 255);
    assert.match(refused.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  test('the inventory lists every host with its address, port, user and key', () => {
    const text = readFileSync(lab.inventoryPath, 'utf8');
    for (const h of lab.hosts) {
      assert.ok(
        text.includes(`    ${h.name}:\n          ansible_host: ${h.address}\n          ansible_port: 22\n`),
        h.name,
      );
    }
    assert.ok(text.includes(`ansible_ssh_private_key_file: ${lab.privateKeyPath}`));
  });

  test('hosts are isolated from each other and from the machine', async () => {
    await run(
      lab,
      'hv001',
      `echo "options dummy numdummies=2" > /etc/modprobe.d/isolation.conf; modprobe br_netfilter
       touch /var/lib/netfix-lab-isolation`,
    );
    assert.equal((await lab.sh('hv002', 'cat /etc/modprobe.d/isolation.conf')).exitCode, 1);
    assert.equal(existsSync('/etc/modprobe.d/isolation.conf'), false);
    assert.equal(existsSync('/var/lib/netfix-lab-isolation'), false, '/var is private too');
    assert.equal((await lab.sh('hv002', 'test -e /proc/sys/net/bridge')).exitCode, 1);
    assert.equal(await run(lab, 'hv001', 'cat /proc/sys/net/bridge/bridge-nf-call-iptables'), '1\n');
    assert.equal(await run(lab, 'hv002', 'hostname'), 'hv002\n');
    // Everything is mounted inside the hosts' namespaces, nothing in the machine's.
    assert.equal(rootMountsMention('netfix-lab'), false);
    await run(
      lab,
      'hv001',
      'rm /etc/modprobe.d/isolation.conf /var/lib/netfix-lab-isolation; modprobe -r br_netfilter',
    );
  });

  test('snapshot: read-only commands change nothing, a write shows', async () => {
    const before = await lab.snapshot('hv001');
    assert.equal(before['/etc/modules-load.d/modules.conf'], 'link::../modules');
    assert.equal(before['/sys/module/unix'], 'dir:0755:');
    await run(
      lab,
      'hv001',
      `lsmod; modinfo nf_conntrack; modprobe -n -v iptable_nat; modprobe -c >/dev/null; sysctl -a >/dev/null
       systemctl status libvirtd; systemctl is-active systemd-sysctl; journalctl -b >/dev/null; uname -a
       virsh -r -c qemu:///system net-info default; virsh net-list --all; virsh net-dumpxml default >/dev/null
       cat /sys/class/net/virbr0/flags; service libvirtd status`,
    );
    assert.deepEqual(await lab.snapshot('hv001'), before);
    await run(lab, 'hv001', 'echo tun > /etc/modules-load.d/tun.conf');
    const changed = await lab.snapshot('hv001');
    assert.equal(changed['/etc/modules-load.d/tun.conf'], 'file:0644:tun\n');
    await run(lab, 'hv001', 'rm /etc/modules-load.d/tun.conf');
  });

  test('incident 1: bridge sysctls are skipped at boot until br_netfilter loads first (systemd)', async () => {
    await seedIncident1(lab, 'hv002');
    // Loaded by hand: the kernel default, not the sysctl.d value (nothing re-applies sysctl.d).
    await run(lab, 'hv002', 'modprobe br_netfilter');
    assert.equal(await run(lab, 'hv002', 'sysctl -n net.bridge.bridge-nf-call-iptables'), '1\n');
    await lab.reboot(['hv002']);
    assert.equal((await lab.sh('hv002', 'test -e /proc/sys/net/bridge')).exitCode, 1, 'gone after reboot');
    const log = await lab.bootLog('hv002');
    assert.ok(
      log.some((l) =>
        l.includes(
          "Couldn't write '0' to 'net/bridge/bridge-nf-call-iptables', ignoring: No such file or directory",
        ),
      ),
      log.join('\n'),
    );
    assert.equal(
      await run(lab, 'hv002', 'systemctl is-active systemd-sysctl'),
      'active\n',
      'the unit still succeeds',
    );
    // The warning carries no unit field: -u does not find it, -t does (kernel-facts.md).
    assert.doesNotMatch(await run(lab, 'hv002', 'journalctl -b -u systemd-sysctl'), /Couldn't write/);
    assert.match(await run(lab, 'hv002', 'journalctl -b -t systemd-sysctl'), /Couldn't write '0'/);
    // The fix: load the module at boot; modules-load runs before sysctl, so the value holds.
    await run(lab, 'hv002', 'echo br_netfilter > /etc/modules-load.d/br_netfilter.conf');
    await lab.reboot(['hv002']);
    assert.equal(
      await run(
        lab,
        'hv002',
        'cat /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables',
      ),
      '0\n0\n0\n',
    );
  });

  test('incident 1 on Debian sysvinit: /etc/modules, then sysctl; no systemd there', async () => {
    assert.equal((await lab.sh('hv006', 'command -v systemctl || test -d /run/systemd/system')).exitCode, 1);
    await seedIncident1(lab, 'hv006');
    await lab.reboot(['hv006']);
    assert.match((await lab.sh('hv006', 'sysctl net.bridge.bridge-nf-call-iptables')).stderr, /cannot stat/);
    assert.ok((await lab.bootLog('hv006')).some((l) => l.startsWith('procps') && l.includes('cannot stat')));
    await run(lab, 'hv006', 'echo br_netfilter >> /etc/modules');
    await lab.reboot(['hv006']);
    assert.equal(await run(lab, 'hv006', 'sysctl -n net.bridge.bridge-nf-call-iptables'), '0\n');
  });

  test('blacklist blocks alias loads only; install /bin/false blocks every load', async () => {
    const h = 'hv003';
    await run(lab, h, 'echo "blacklist nf_conntrack" > /etc/modprobe.d/netfix-test.conf');
    for (const alias of ['nf_conntrack-2', 'ip_conntrack']) {
      assert.equal((await lab.sh(h, `modprobe ${alias}`)).exitCode, 0, alias);
      assert.equal(
        (await lab.sh(h, 'test -e /sys/module/nf_conntrack')).exitCode,
        1,
        `${alias} loaded nothing`,
      );
    }
    await run(lab, h, 'modprobe iptable_nat'); // a dependency load ignores the blacklist
    assert.equal(await run(lab, h, 'cat /sys/module/nf_conntrack/initstate'), 'live\n');
    await run(lab, h, 'modprobe -r iptable_nat; echo nf_conntrack > /etc/modules-load.d/ct.conf');
    await lab.reboot([h]);
    const denied = await lab.bootLog(h);
    assert.ok(
      denied.some((l) => /^systemd-modules-load\[\d+\]: Module 'nf_conntrack' is deny-listed$/.test(l)),
      denied.join('\n'),
    );
    assert.equal(await run(lab, h, 'systemctl is-active systemd-modules-load'), 'active\n');
    assert.equal(
      await run(lab, h, 'modprobe nf_conntrack && cat /sys/module/nf_conntrack/initstate'),
      'live\n',
    );

    // libvirtd's default network started at boot and loaded iptable_nat (and so nf_conntrack).
    await run(
      lab,
      h,
      'modprobe -r iptable_nat nf_conntrack; echo "install nf_conntrack /bin/false" > /etc/modprobe.d/netfix-test.conf',
    );
    const nat = await lab.sh(h, 'modprobe iptable_nat');
    assert.equal(nat.exitCode, 1);
    assert.match(
      nat.stderr,
      /Error running install command '\/bin\/false' for module nf_conntrack: retcode 1/,
    );
    assert.match(nat.stderr, /could not insert 'iptable_nat': Invalid argument/);
    assert.equal((await lab.sh(h, 'test -e /sys/module/nf_conntrack')).exitCode, 1);
    assert.match(await run(lab, h, 'modprobe -n -v iptable_nat'), /^install \/bin\/false $/m);
    await lab.reboot([h]);
    assert.equal((await lab.sh(h, 'systemctl is-active systemd-modules-load')).stdout, 'failed\n');
    assert.equal((await lab.sh(h, 'systemctl is-system-running')).stdout, 'degraded\n');
    assert.ok(
      (await lab.bootLog(h)).some((l) =>
        l.endsWith("Failed to insert module 'nf_conntrack': Invalid argument"),
      ),
    );
    await run(lab, h, 'rm /etc/modprobe.d/netfix-test.conf /etc/modules-load.d/ct.conf');
  });

  test('incident 2: parameter modes, a read-only one refused, hashsize resizes at once, options win at boot', async () => {
    const h = 'hv004';
    await seedIncident2(lab, h);
    const p = '/sys/module/nf_conntrack/parameters';
    assert.equal(
      await run(lab, h, `stat -c '%a %n' ${p}/hashsize ${p}/acct ${p}/tstamp ${p}/expect_hashsize`),
      `600 ${p}/hashsize\n644 ${p}/acct\n644 ${p}/tstamp\n400 ${p}/expect_hashsize\n`,
    );
    assert.equal(
      await run(lab, h, 'sysctl -n net.netfilter.nf_conntrack_buckets net.netfilter.nf_conntrack_max'),
      '8192\n65536\n',
    );
    // modinfo does not list hashsize, yet it exists (kernel-facts.md).
    assert.equal(
      await run(lab, h, 'modinfo -F parm nf_conntrack'),
      'tstamp:Enable connection tracking flow timestamping. (bool)\nacct:Enable connection tracking flow accounting. (bool)\nexpect_hashsize:uint\nenable_hooks:Always enable conntrack hooks (bool)\n',
    );
    const ro = await lab.sh(h, `echo 1 > ${p}/expect_hashsize`);
    assert.notEqual(ro.exitCode, 0, 'root cannot write a 0400 parameter');
    assert.equal(await run(lab, h, `cat ${p}/expect_hashsize`), '32\n');
    await run(lab, h, `echo 16384 > ${p}/hashsize`);
    assert.equal(await run(lab, h, 'cat /proc/sys/net/netfilter/nf_conntrack_buckets'), '16384\n');
    assert.equal(
      await run(lab, h, 'sysctl -n net.netfilter.nf_conntrack_max'),
      '65536\n',
      'max is set at load only',
    );
    await run(lab, h, 'sysctl -w net.netfilter.nf_conntrack_buckets=32768');
    assert.equal(await run(lab, h, `cat ${p}/hashsize`), '32768\n', 'the parameter follows the sysctl');
    await lab.reboot([h]);
    // Runtime values are gone; libvirtd's network start at boot loaded it again, with the options.
    assert.equal(await run(lab, h, `cat ${p}/hashsize`), '8192\n', 'runtime state is gone');
    await run(lab, h, 'modprobe nf_conntrack');
    assert.equal(
      await run(lab, h, 'sysctl -n net.netfilter.nf_conntrack_buckets'),
      '8192\n',
      'the options file wins',
    );
  });

  test('incident 2 on CentOS 6: an executable /etc/sysconfig/modules script loads it at boot', async () => {
    const h = 'hv007';
    assert.equal((await lab.sh(h, 'test -e /etc/modules || test -e /etc/modules-load.d')).exitCode, 1);
    await run(
      lab,
      h,
      `printf '#!/bin/sh\\nexec /sbin/modprobe nf_conntrack hashsize=8192 >/dev/null 2>&1\\n' > /etc/sysconfig/modules/nf_conntrack.modules
       chmod +x /etc/sysconfig/modules/nf_conntrack.modules`,
    );
    await lab.reboot([h]);
    assert.equal(await run(lab, h, 'sysctl -n net.netfilter.nf_conntrack_buckets'), '8192\n');
  });

  test('incident 3 (legacy kernel): a blacklisted dependency makes modprobe hang until the line goes', async () => {
    const h = 'hv005';
    await seedIncident3(lab, h);
    const started = Date.now();
    const hung = await lab.sh(h, 'timeout 2 modprobe iptable_nat');
    assert.equal(hung.exitCode, 124, 'killed by timeout(1)');
    assert.ok(Date.now() - started >= 1900);
    // A stuck loader finishes once the blacklist line is removed (the incident's fix).
    const loader = lab.sh(h, 'modprobe iptable_nat; echo rc=$?');
    await new Promise((r) => setTimeout(r, 600));
    await run(lab, h, "sed -i '/^blacklist nf_conntrack_ipv4$/d' /etc/modprobe.d/blacklist.conf");
    const done = await loader;
    assert.equal(done.stdout, 'rc=0\n');
    assert.equal(
      await run(lab, h, 'cat /sys/module/iptable_nat/initstate /sys/module/nf_conntrack_ipv4/initstate'),
      'live\nlive\n',
    );
    assert.equal(
      await run(lab, h, 'cat /etc/modprobe.d/blacklist.conf'),
      INCIDENT3_BLACKLIST.replace('blacklist nf_conntrack_ipv4\n', ''),
      'every other line intact',
    );
    // The modern kernel has no nf_conntrack_ipv4 at all.
    assert.equal(
      (await lab.sh('hv003', 'modinfo nf_conntrack_ipv4')).stderr,
      'modinfo: ERROR: Module nf_conntrack_ipv4 not found.\n',
    );
  });

  test('hangModprobe makes any load hang on a modern host, until released; a reboot ends a hung loader', async () => {
    await lab.hangModprobe('hv008');
    assert.equal((await lab.sh('hv008', 'timeout 1 modprobe tun')).exitCode, 124);
    const hung = lab.sh('hv008', 'modprobe tun');
    // A real D state, with the kernel's own wchan and stack (a vfork that never completes), not
    // a sleeping simulator: what netfix's stuck-process scan reads on a real host.
    const proc = `me=$(readlink /proc/self/ns/mnt)
for p in $(pgrep -x modprobe); do
  [ "$(readlink /proc/$p/ns/mnt 2>/dev/null)" = "$me" ] || continue
  tr '\\0' ' ' < /proc/$p/cmdline; echo; grep '^State:' /proc/$p/status; cat /proc/$p/wchan; echo; cat /proc/$p/stack
done`;
    let seen = '';
    await waitFor('a modprobe in D state', async () => {
      seen = await run(lab, 'hv008', proc);
      return /State:\s+D/.test(seen);
    });
    assert.match(seen, /^\/usr\/sbin\/modprobe tun \n/);
    assert.match(seen, /\nkernel_clone\n/);
    assert.match(seen, /\] __do_sys_vfork\+/);
    await lab.reboot(['hv008']);
    assert.equal((await hung).exitCode, 143, 'the loader of the previous boot is gone');
    await lab.releaseModprobe('hv008');
    assert.equal(await run(lab, 'hv008', 'modprobe tun && cat /sys/module/tun/initstate'), 'live\n');
  });

  test('sysctl and kmod say what the real tools say for a missing key or module', async () => {
    // This machine's own procps 4.0.2 and kmod 30 are the reference for the modern profile.
    const real = spawnSync(
      'sh',
      ['-c', 'sysctl net.bridge.netfix-lab-nope; echo "rc=$?"; modinfo netfix-lab-nope; echo "rc=$?"'],
      {
        encoding: 'utf8',
      },
    );
    const sim = await lab.sh(
      'hv001',
      'sysctl net.bridge.netfix-lab-nope; echo "rc=$?"; modinfo netfix-lab-nope; echo "rc=$?"',
    );
    assert.equal(sim.stdout, real.stdout);
    assert.equal(sim.stderr, real.stderr);
    assert.equal(
      (await lab.sh('hv001', 'sysctl net.bridge.bridge-nf-call-iptables')).stderr,
      'sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory\n',
    );
    // procps-ng 3.3 (RHEL 7) exits 255 for the same error.
    assert.equal((await lab.sh('hv005', 'sysctl net.bridge.bridge-nf-call-iptables')).exitCode, 255);
    const nf = await lab.sh('hv001', 'modprobe netfix-lab-nope');
    assert.equal(
      nf.stderr,
      'modprobe: FATAL: Module netfix-lab-nope not found in directory /lib/modules/6.1.0-28-amd64\n',
    );
    assert.equal(nf.exitCode, 1);
  });

  test('libvirtd runs on a fresh hypervisor: virsh and /sys/class/net answer as on a real one', async () => {
    const h = 'hv011';
    assert.equal(
      await run(lab, h, 'systemctl is-active libvirtd; systemctl is-enabled libvirtd'),
      'active\nenabled\n',
    );
    // Over real ssh, as netfix's service probe asks.
    const info = await ssh(lab, h, 'timeout 15 virsh -r -c qemu:///system net-info default');
    assert.equal(info.exitCode, 0, info.stderr);
    assert.match(
      info.stdout,
      /^Name: {11}default\nUUID: {11}[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\nActive: {9}yes\nPersistent: {5}yes\nAutostart: {6}yes\nBridge: {9}virbr0\n\n$/,
    );
    // An idle bridge: up (IFF_UP), but no carrier without a guest.
    assert.equal(
      await run(lab, h, 'ls /sys/class/net; cat /sys/class/net/virbr0/flags /sys/class/net/virbr0/operstate'),
      'lo\nvirbr0\n0x1003\ndown\n',
    );
    const missing = await lab.sh(h, 'virsh -r -c qemu:///system net-info nosuch');
    assert.equal(missing.exitCode, 1);
    assert.equal(
      missing.stderr,
      "error: failed to get network 'nosuch'\nerror: Network not found: no network with matching name 'nosuch'\n",
    );
    const readOnly = await lab.sh(h, 'virsh -r net-destroy default');
    assert.match(readOnly.stderr, /read only access prevents virNetworkDestroy/);
    assert.equal(await run(lab, h, 'virsh net-destroy default'), 'Network default destroyed\n\n');
    assert.match(await run(lab, h, 'virsh net-info default'), /^Active: +no$/m);
    assert.equal((await lab.sh(h, 'test -e /sys/class/net/virbr0')).exitCode, 1);
    assert.equal(await run(lab, 'hv001', 'cat /sys/class/net/virbr0/flags'), '0x1003\n', 'per host');
    assert.equal(await run(lab, h, 'virsh net-start default'), 'Network default started\n\n');
    assert.equal(await run(lab, h, 'cat /sys/class/net/virbr0/flags'), '0x1003\n');
  });

  test('libvirtd starts are counted in the journal, across reboots; a reboot replays its start', async () => {
    const h = 'hv011';
    assert.equal(libvirtdStarts(await lab.journal(h)), 0, 'lab hosts start running, not booting');
    await run(lab, h, 'systemctl restart libvirtd && systemctl restart libvirtd && systemctl start libvirtd');
    const started = (lines: string[]) =>
      lines.filter((l) => l === 'systemd[1]: Started libvirtd.service - Virtualization daemon.').length;
    assert.equal(libvirtdStarts(await lab.journal(h)), 2, 'start of a running service does nothing');
    assert.equal(started(await lab.journal(h)), 2);
    // The network's firewall rules loaded the NAT modules.
    assert.equal(
      await run(lab, h, 'cat /sys/module/iptable_nat/initstate /sys/module/nf_conntrack/initstate'),
      'live\nlive\n',
    );

    await run(lab, h, 'systemctl stop libvirtd');
    const down = await lab.sh(h, 'virsh -r -c qemu:///system net-info default');
    assert.equal(down.exitCode, 1);
    assert.match(down.stderr, /^error: failed to connect to the hypervisor\n/);
    assert.equal(await run(lab, h, 'ls /sys/class/net'), 'lo\n');

    await lab.reboot([h]);
    assert.equal(libvirtdStarts(await lab.journal(h)), 3, 'journal() keeps earlier boots');
    const boot = await lab.bootLog(h);
    assert.equal(libvirtdStarts(boot), 1, 'bootLog() is this boot only');
    const sysctlDone = boot.indexOf('systemd[1]: Finished systemd-sysctl.service - Apply Kernel Variables.');
    const libvirtd = boot.findIndex((l) => l.startsWith('libvirtd['));
    assert.ok(sysctlDone !== -1 && libvirtd > sysctlDone, boot.join('\n'));
    assert.match(await run(lab, h, 'virsh -r -c qemu:///system net-info default'), /^Active: +yes$/m);
    assert.equal(await run(lab, h, 'cat /sys/class/net/virbr0/flags'), '0x1003\n');
    assert.equal(await run(lab, h, 'cat /sys/module/iptable_nat/initstate'), 'live\n');

    // Disabled: the boot leaves it stopped.
    await run(lab, h, 'systemctl disable libvirtd 2>/dev/null');
    await lab.reboot([h]);
    assert.equal((await lab.sh(h, 'systemctl is-active libvirtd')).stdout, 'inactive\n');
    assert.equal(await run(lab, h, 'ls /sys/class/net'), 'lo\n');
    assert.equal(libvirtdStarts(await lab.journal(h)), 3);
    await run(lab, h, 'systemctl enable --now libvirtd 2>/dev/null');
  });

  test('incident 3 (legacy kernel): libvirtd active, default network down, an iptables child blocked until the line goes', async () => {
    const h = 'hv009';
    await seedIncident3(lab, h);
    assert.equal(await run(lab, h, 'systemctl is-active libvirtd'), 'active\n');
    assert.match(
      await run(lab, h, 'virsh -r -c qemu:///system net-info default'),
      /^Active: +no\nPersistent: +yes\nAutostart: +yes$/m,
    );
    // As in the incident: the bridge exists but was never brought up; its dummy tap is up.
    assert.equal(
      await run(lab, h, 'cat /sys/class/net/virbr0/flags /sys/class/net/virbr0-nic/flags'),
      '0x1002\n0x1103\n',
    );
    const blocked = async () => (await run(lab, h, BLOCKED)).split('\n').filter(Boolean).sort();
    assert.deepEqual(await blocked(), INCIDENT3_CHILDREN);
    assert.match(
      await run(lab, h, "ps -o stat= -p $(pgrep -f '^/sbin/modprobe -q -- iptable_nat' | head -1)"),
      /^S/,
    );

    // Restarts return at once (over ssh too: the child holds no session pipe) and leave one
    // blocked child, not one per restart.
    // (a restart that waited for the blocked child would be killed: exit 137, not 0)
    const restarted = await ssh(lab, h, 'timeout -s KILL 30 systemctl restart libvirtd');
    assert.equal(restarted.exitCode, 0, restarted.stderr);
    const again = await lab.sh(h, 'systemctl restart libvirtd', { timeoutMs: 30_000 });
    assert.equal(again.exitCode, 0, again.stderr);
    assert.deepEqual(await blocked(), INCIDENT3_CHILDREN);
    assert.ok(
      (await lab.journal(h)).some((l) => /Killing process \d+ \(iptables\) with signal SIGKILL/.test(l)),
    );

    // The fix: remove the line. The blocked load finishes, the child exits, the start completes.
    await run(lab, h, "sed -i '/^blacklist nf_conntrack_ipv4$/d' /etc/modprobe.d/blacklist.conf");
    await waitFor('unblocked', async () => (await blocked()).length === 0);
    await run(lab, h, 'systemctl restart libvirtd');
    assert.match(await run(lab, h, 'virsh -r -c qemu:///system net-info default'), /^Active: +yes$/m);
    assert.equal(
      await run(lab, h, 'cat /sys/class/net/virbr0/flags /sys/class/net/virbr0-nic/flags'),
      '0x1003\n0x1102\n',
    );
    assert.equal(await run(lab, h, 'cat /sys/module/nf_conntrack_ipv4/initstate'), 'live\n');
    assert.equal(libvirtdStarts(await lab.journal(h)), 4, 'boot, two restarts, the restart after the fix');
  });

  test('incident 3 on a modern kernel: install /bin/false fails the network, libvirtd stays active; blacklist does not', async () => {
    const h = 'hv010';
    await seedInstallFalse(lab, h);
    assert.equal(await run(lab, h, 'systemctl is-active libvirtd'), 'active\n');
    assert.match(await run(lab, h, 'virsh -r -c qemu:///system net-info default'), /^Active: +no$/m);
    assert.equal((await lab.sh(h, 'test -e /sys/class/net/virbr0')).exitCode, 1, 'no virbr0');
    assert.ok(
      (await lab.journal(h)).some((l) =>
        /^libvirtd\[\d+\]: internal error: Failed to apply firewall rules /.test(l),
      ),
    );
    const start = await lab.sh(h, 'virsh net-start default');
    assert.equal(start.exitCode, 1);
    assert.match(
      start.stderr,
      /^error: Failed to start network default\nerror: internal error: Failed to apply firewall rules \/usr\/sbin\/iptables /,
    );
    assert.deepEqual(await run(lab, h, BLOCKED), '', 'nothing hangs on 6.1');
    // A blacklist stops alias loads only: the NAT table's dependency still loads nf_conntrack.
    await run(lab, h, "echo 'blacklist nf_conntrack' > /etc/modprobe.d/nf-block.conf");
    assert.equal(await run(lab, h, 'virsh net-start default'), 'Network default started\n\n');
    assert.equal(await run(lab, h, 'cat /sys/class/net/virbr0/flags'), '0x1003\n');
  });

  test('libvirtd on sysvinit and RHEL 6: init script, service(8), started at boot when its S link exists', async () => {
    for (const [h, link] of [
      ['hv006', 'S01libvirtd'],
      ['hv007', 'S97libvirtd'],
    ] as const) {
      assert.equal(
        await run(lab, h, 'test -x /etc/init.d/libvirtd && ls /etc/rc3.d | grep libvirtd'),
        `${link}\n`,
      );
      assert.equal((await lab.sh(h, 'service libvirtd status')).exitCode, 0);
      const earlier = libvirtdStarts(await lab.journal(h)); // the earlier tests' reboots
      await run(lab, h, '/etc/init.d/libvirtd restart');
      await lab.reboot([h]);
      assert.equal(libvirtdStarts(await lab.bootLog(h)), 1, h);
      assert.equal(libvirtdStarts(await lab.journal(h)), earlier + 2, h);
      assert.equal((await lab.sh(h, 'service libvirtd status')).exitCode, 0, h);
      assert.match(await run(lab, h, 'virsh -r net-info default'), /^Active: +yes$/m, h);
      assert.equal(await run(lab, h, 'cat /sys/class/net/virbr0/flags'), '0x1003\n', h);
      await run(lab, h, 'rm /etc/rc[2345].d/S??libvirtd');
      await lab.reboot([h]);
      assert.equal((await lab.sh(h, 'service libvirtd status')).exitCode, 3, h);
      assert.equal(await run(lab, h, 'ls /sys/class/net'), 'lo\n', h);
    }
  });

  test('a stopped host refuses connections, keeps its state, and can start again', async () => {
    await run(lab, 'hv008', 'echo kept > /etc/modprobe.d/kept.conf');
    await lab.stopHost('hv008');
    const down = await ssh(lab, 'hv008', 'true');
    assert.equal(down.exitCode, 255);
    assert.match(down.stderr, /Connection refused/);
    assert.equal(await run(lab, 'hv008', 'cat /etc/modprobe.d/kept.conf'), 'kept\n');
    await lab.startHost('hv008');
    assert.equal((await ssh(lab, 'hv008', 'cat /etc/modprobe.d/kept.conf')).stdout, 'kept\n');
  });
});

describe('lab clean-up', () => {
  test('stop() leaves no process, no mount and no directory, and can be called again', async () => {
    const lab = await startLab({ hosts: 2 });
    const pids = labPids(lab);
    // A process started inside a host (not by the daemon) must end too.
    const sleeper = lab.sh('hv001', 'sleep 300');
    await new Promise((r) => setTimeout(r, 200));
    await lab.stop();
    assert.equal((await sleeper).exitCode, 137);
    await lab.stop();
    assert.equal(existsSync(lab.dir), false);
    assert.equal(running(pids.daemon), false);
    for (const pid of pids.sshd) assert.equal(running(pid), false, `sshd ${pid}`);
    assert.equal(rootMountsMention(lab.dir), false);
  });

  test('a lab left by a killed process is reaped by the next startLab', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'fixtures', 'hold-lab.ts'), '2'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (b: Buffer) => resolve(b.toString()));
      child.once('exit', (code) => reject(new Error(`hold-lab exited ${code}`)));
    });
    const { dir } = JSON.parse(line) as { dir: string };
    const state = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as {
      daemonPid: number;
      hosts: Record<string, { pid: number }>;
    };
    const sshd = Object.values(state.hosts).map((h) => h.pid);
    // Kill the daemon first (else it would see its controller go and clean up by itself), then
    // the controller: the worst case, both gone at once, sshd orphaned.
    process.kill(state.daemonPid, 'SIGKILL');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    assert.ok(sshd.every(running), 'the orphaned hosts are still up');
    // The next lab may well get the same slot and path: mark this one to see that it went.
    const marker = path.join(dir, 'stale-marker');
    writeFileSync(marker, '');

    const next = await startLab({ hosts: 1 });
    try {
      assert.equal(existsSync(marker), false, 'stale lab dir removed');
      for (const pid of sshd) assert.equal(running(pid), false, `stale sshd ${pid} killed`);
      assert.equal(rootMountsMention(dir), false);
    } finally {
      await next.stop();
    }
  });
});
