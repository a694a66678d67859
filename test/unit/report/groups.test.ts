// The terminal's grouped summary: hosts with identical changes are one entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  changeGroups,
  failureGroups,
  groupedChangesLines,
  groupedProblemsLines,
  hostListText,
} from '../../../src/report/index.js';
import { fleet } from './results.js';

test('identical changes form one group, the largest first', () => {
  const groups = changeGroups(fleet('check', 50));
  assert.deepEqual(
    groups.map((group) => group.hosts.length),
    [44, 4, 1],
    '44 with the common drift, 4 also with conntrack, the failed host alone',
  );
  assert.deepEqual(groups[1]!.hosts, ['hv010', 'hv020', 'hv030', 'hv040']);
  assert.deepEqual(
    failureGroups(fleet('check', 50)).map((group) => [group.hosts, group.hostError ?? null]),
    [
      [['hv049'], null],
      [['hv050'], 'connect ECONNREFUSED 192.0.2.9:22'],
    ],
  );
});

test('host lists stay one line however many hosts', () => {
  assert.equal(hostListText(['a', 'b']), 'a, b');
  assert.equal(
    hostListText(Array.from({ length: 50 }, (_, index) => `h${index}`)),
    'h0, h1, h2, h3, h4, h5, h6, h7, … +42',
  );
});

test('check mode always shows diffs; after an apply only with --diff', () => {
  const check = groupedChangesLines(fleet('check', 50), { diff: false }).join('\n');
  assert.match(check, /^CHANGES THAT WOULD BE MADE: 49 hosts in 3 groups of identical changes$/m);
  assert.match(check, /^44 hosts \(hv001, hv002, .*, … \+36\): 2 changes each$/m);
  assert.match(check, /^ {4}~ load module br_netfilter\n {6}module br_netfilter: not loaded -> loaded$/m);
  assert.match(check, /^ {6}\+br_netfilter$/m);
  const apply = fleet('apply', 50);
  assert.doesNotMatch(groupedChangesLines(apply, { diff: false }).join('\n'), /\+br_netfilter/);
  const withDiff = groupedChangesLines(apply, { diff: true }).join('\n');
  assert.match(withDiff, /^CHANGES MADE: /);
  assert.match(
    withDiff,
    /^ {4}\* set options nf_conntrack hashsize=16384\n {6}--- \/etc\/modprobe.d\/nf_conntrack.conf/m,
  );
});

test('failures and warnings are grouped too, with expected vs actual and the remote output', () => {
  const text = groupedProblemsLines(fleet('apply', 50)).join('\n');
  assert.equal(
    text,
    [
      '',
      'FAILURES',
      '1 host (hv049):',
      '  task "bridged traffic bypasses <iptables>" (playbooks/bridge.yml:9:7) failed:',
      '    error: net.bridge.bridge-nf-call-iptables did not take the value',
      '      expected: 0',
      '      actual:   1 | "one" & <b>',
      '    remote output:',
      '      sh: 1: cannot create /proc/sys/net/bridge/bridge-nf-call-iptables: Permission denied',
      '      \u001b[0m',
      '1 host (hv050): connect ECONNREFUSED 192.0.2.9:22',
      '',
      'WARNINGS',
      '4 hosts (hv010, hv020, hv030, hv040):',
      '  task "conntrack | hashsize" (playbooks/conntrack.yml:4:7):',
      '    warning: expect_hashsize is read-only at runtime',
      '      expected: 2048',
      '      actual:   1024',
    ].join('\n'),
  );
});
