// The D-state scan of incident 3: the pure parser on /proc text as real kernels print it, and the
// shell loop itself run by /bin/sh over a fake /proc tree (D state cannot be made on demand).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  describeStuckProcess,
  isDescendantOf,
  parseProcStat,
  parseStuckProcesses,
  stackFunction,
  stuckInBoth,
  stuckScanFunction,
  waitsOnModuleLoad,
} from '../../../src/proc/stuck-processes.js';

// Real formats: a CentOS 7 (3.10) iptables child of libvirtd, stack with addresses and the
// 0xffffffffffffffff terminator; a modern kernel's stack with [<0>] in place of addresses.
const tail =
  '0 -1 4194560 371 0 0 0 0 0 0 0 20 0 1 0 98765 12345678 301 18446744073709551615 1 1 0 0 0 0 0 4096';
const procs = {
  1: { stat: `1 (systemd) S 0 1 1 ${tail}`, cmdline: '/usr/lib/systemd/systemd\0--switched-root\0' },
  2: { stat: `2 (kthreadd) S 0 0 0 ${tail}`, cmdline: '' },
  1234: { stat: `1234 (libvirtd) S 1 1234 1234 ${tail}`, cmdline: '/usr/sbin/libvirtd\0' },
  4711: {
    stat: `4711 (iptables) D 1234 1234 1234 ${tail}`,
    cmdline: '/sbin/iptables\0-w\0--table\0filter\0--insert\0FORWARD\0--jump\0REJECT\0',
    stack: [
      '[<ffffffff810a1b2c>] __request_module+0x19c/0x2b0',
      '[<ffffffffa03e5b45>] nf_ct_l3proto_try_module_get+0x55/0xe0 [nf_conntrack]',
      '[<ffffffffa04a10c2>] conntrack_mt_check+0x22/0x70 [xt_conntrack]',
      '[<ffffffffffffffff>] 0xffffffffffffffff',
      '',
    ].join('\n'),
  },
  4720: {
    stat: `4720 (modprobe) D 2 0 0 ${tail}`,
    cmdline: '/sbin/modprobe\0-q\0--\0iptable_nat\0',
    stack: '[<0>] __request_module+0x14c/0x2b0\n[<0>] iptable_nat_init+0x37/0x1000 [iptable_nat]\n',
  },
  5000: { stat: `5000 (weird) name) S 1 5000 5000 ${tail}`, cmdline: 'x\0' },
  5001: { stat: `5001 (a) D (b) D 5000 5000 5000 ${tail}`, cmdline: 'line1\nline2\0' },
  6000: { stat: `6000 (sleep) S 1 6000 6000 ${tail}`, cmdline: 'sleep\0' },
} as Record<number, { stat: string; cmdline: string; stack?: string }>;

describe('parseProcStat', () => {
  it('takes the fields after the last ") ", so a comm with spaces and parentheses is whole', () => {
    assert.deepEqual(parseProcStat(procs[5001]!.stat), {
      pid: 5001,
      comm: 'a) D (b',
      state: 'D',
      ppid: 5000,
    });
    assert.deepEqual(parseProcStat(procs[4711]!.stat), {
      pid: 4711,
      comm: 'iptables',
      state: 'D',
      ppid: 1234,
    });
  });
  it('refuses lines that are not stat lines', () => {
    assert.equal(parseProcStat('garbage'), undefined);
    assert.equal(parseProcStat('x (y) D 1'), undefined);
  });
});

describe('stackFunction', () => {
  it('reads both the old format with addresses and the new [<0>] one', () => {
    assert.equal(stackFunction('[<ffffffff810a1b2c>] __request_module+0x19c/0x2b0'), '__request_module');
    assert.equal(
      stackFunction('[<0>] nf_ct_l3proto_try_module_get+0x55/0xe0 [nf_conntrack]'),
      'nf_ct_l3proto_try_module_get',
    );
  });
});

describe('parseStuckProcesses', () => {
  const output = [
    `proc ${procs[4711]!.stat}`,
    'cmdline /sbin/iptables -w --table filter --insert FORWARD --jump REJECT ',
    `parent ${procs[1234]!.stat}`,
    ...procs[4711]!
      .stack!.trim()
      .split('\n')
      .map((line) => `stack ${line}`),
    `proc ${procs[4720]!.stat}`,
    'cmdline /sbin/modprobe -q -- iptable_nat ',
    `parent ${procs[2]!.stat}`,
    'nostack',
    'future-record ignored',
  ].join('\n');
  const [iptables, modprobe] = parseStuckProcesses(output);

  it('reads each process with its ancestors and stack, without the terminator frame', () => {
    assert.equal(iptables?.cmdline, '/sbin/iptables -w --table filter --insert FORWARD --jump REJECT');
    assert.deepEqual(iptables?.stack, [
      '__request_module',
      'nf_ct_l3proto_try_module_get',
      'conntrack_mt_check',
    ]);
    assert.ok(iptables && isDescendantOf(iptables, 'libvirtd'));
    assert.equal(modprobe?.stack, null);
    assert.ok(modprobe && !isDescendantOf(modprobe, 'libvirtd') && waitsOnModuleLoad(modprobe));
  });
  it('describes a stuck process in one line: pid, command, parent, stack, and the module-load hint', () => {
    assert.equal(
      describeStuckProcess(iptables!),
      'pid 4711 `/sbin/iptables -w --table filter --insert FORWARD --jump REJECT`, child of libvirtd (pid 1234) ' +
        'is stuck in D state (uninterruptible sleep: kill -9 ends it only if the kernel sleeps killable); kernel stack: __request_module <- nf_ct_l3proto_try_module_get ' +
        '<- conntrack_mt_check; it waits in __request_module for a kernel module load that may never finish ' +
        '(a dependency blacklisted or blocked in /etc/modprobe.d?)',
    );
    assert.match(describeStuckProcess(modprobe!), /kernel stack not readable \(needs root\)/);
  });
  it('claims __request_module only when the stack shows it (the lab: a modprobe held in vfork)', () => {
    // As the lab's hung modprobe reads on a 6.x kernel (test/lab/sim/d-state/modprobe.c).
    const [held] = parseStuckProcesses(
      [
        `proc 5150 (modprobe) D 5149 5149 5100 ${tail}`,
        'cmdline /usr/sbin/modprobe br_netfilter ',
        'wchan kernel_clone',
        `parent 5149 (sh) S 5100 5149 5100 ${tail}`,
        'stack [<0>] kernel_clone+0x1d3/0x400',
        'stack [<0>] __do_sys_vfork+0x66/0x90',
        'stack [<0>] do_syscall_64+0x71/0x290',
      ].join('\n'),
    );
    const text = describeStuckProcess(held!);
    assert.match(
      text,
      /^pid 5150 `\/usr\/sbin\/modprobe br_netfilter`, child of sh \(pid 5149\) is stuck in D state/,
    );
    assert.match(
      text,
      /waiting in kernel_clone; kernel stack: kernel_clone <- __do_sys_vfork <- do_syscall_64; /,
    );
    assert.match(text, /; a modprobe in D state: its module load may never finish/);
    assert.doesNotMatch(text, /__request_module/);
  });
  it('finds nothing in empty output', () => assert.deepEqual(parseStuckProcesses(''), []));
});

describe('nf_stuck_scan over a fake /proc', () => {
  const root = mkdtempSync(join(tmpdir(), 'netfix-proc-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const [pid, proc] of Object.entries(procs)) {
    mkdirSync(join(root, pid));
    writeFileSync(join(root, pid, 'stat'), `${proc.stat}\n`);
    writeFileSync(join(root, pid, 'cmdline'), proc.cmdline);
    if (proc.stack !== undefined) writeFileSync(join(root, pid, 'stack'), proc.stack);
  }
  mkdirSync(join(root, 'self'));

  it('prints only the processes in D, with their ancestry to pid 1, and parses back', () => {
    const output = execFileSync(
      '/bin/sh',
      ['-c', `${stuckScanFunction.text}\nnf_stuck_scan "$1"`, 'sh', root],
      {
        encoding: 'utf8',
      },
    );
    const stuck = parseStuckProcesses(output);
    assert.deepEqual(
      stuck.map((process) => [process.pid, process.comm, process.ancestors.map((parent) => parent.comm)]),
      [
        [4711, 'iptables', ['libvirtd']],
        [4720, 'modprobe', ['kthreadd']],
        [5001, 'a) D (b', ['weird) name']],
      ],
    );
    assert.deepEqual(stuck[1]?.stack, ['__request_module', 'iptable_nat_init']);
    // No stack file: reported as unreadable. A newline inside argv does not break the records.
    assert.equal(stuck[2]?.stack, null);
    assert.equal(stuck[2]?.cmdline, 'line1 line2');
  });

  it('without grep (exit 127), reads every process itself and finds the same ones', () => {
    const output = execFileSync(
      '/bin/sh',
      [
        '-c',
        `grep() { return 127; }\n${stuckScanFunction.text}\nnf_stuck_scan "$1"; echo "found=$nf_stuck_found"`,
        'sh',
        root,
      ],
      { encoding: 'utf8' },
    );
    assert.deepEqual(
      parseStuckProcesses(output).map((process) => process.pid),
      [4711, 4720, 5001],
    );
    assert.match(output, /\nfound=1\n$/);
  });

  it('with a process group, prints every process of that group whatever its state (a timed-out command)', () => {
    writeFileSync(join(root, '1234', 'wchan'), 'do_select');
    const output = execFileSync(
      '/bin/sh',
      ['-c', `${stuckScanFunction.text}\nnf_stuck_scan "$1" 1234`, 'sh', root],
      {
        encoding: 'utf8',
      },
    );
    const group = parseStuckProcesses(output);
    assert.deepEqual(
      group.map((process) => [process.pid, process.state, process.wchan]),
      [
        [1234, 'S', 'do_select'],
        [4711, 'D', ''],
      ],
    );
    assert.match(describeStuckProcess(group[0]!), /is sleeping \(state S\), waiting in do_select/);
  });
});

describe('stuckInBoth', () => {
  const scan = (pid: number) =>
    `proc ${pid} (modprobe) D 2 0 0 0\ncmdline /sbin/modprobe -q -- iptable_nat\nnostack\n`;
  it('keeps only a process found in D by both scans: a moment in D is not stuck', () => {
    assert.deepEqual(
      stuckInBoth(scan(10) + scan(11), scan(11)).map((process) => process.pid),
      [11],
    );
    assert.deepEqual(stuckInBoth(scan(10), undefined), []);
  });
});
