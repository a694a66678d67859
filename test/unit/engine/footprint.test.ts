import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayAffect } from '../../../src/engine/footprint.js';
import type { TaskWork } from '../../../src/engine/work.js';
import { moduleRegistry } from '../../../src/modules/index.js';

function task(module: string, params: Record<string, unknown>): TaskWork {
  const definition = moduleRegistry.get(module);
  assert.ok(definition, module);
  return {
    name: `${module} ${JSON.stringify(params)}`,
    module: definition,
    params: definition.params.parse(params),
    notify: [],
    source: 'test.yml:1:1',
  };
}

// The tasks of the incident playbooks (playbooks/*.yml).
const brNetfilter = task('kernel_module', { name: 'br_netfilter' });
const conntrack = task('kernel_module', { name: 'nf_conntrack', params: { hashsize: '16384' } });
const bridgeSysctl = task('sysctl', { name: 'net.bridge.bridge-nf-call-iptables', value: '0' });
const otherSysctl = task('sysctl', { name: 'net.bridge.bridge-nf-call-arptables', value: '0' });
const unblock = task('modprobe_blacklist', { module: 'nf_conntrack_ipv4', state: 'absent' });
const libvirtd = task('service', { name: 'libvirtd', state: 'started' });
const restart = task('service', { name: 'libvirtd', state: 'restarted' });
const chronyd = task('service', { name: 'chronyd', state: 'started' });
const template = task('template', { dest: '/etc/netfix-test.conf', content: 'x\n' });
const command = task('command', { cmd: 'true' });

/** [task that changed, task probed after it, whether it is probed again, why] */
type Case = [TaskWork, TaskWork, boolean, string?];

function check(cases: Case[]): void {
  for (const [changed, reader, expected, why] of cases)
    assert.equal(mayAffect(changed, reader), expected, why ?? `${changed.name} -> ${reader.name}`);
}

test('a sysctl change re-reads the sysctl tasks after it, not libvirtd, services nor the modules', () => {
  check([
    [bridgeSysctl, otherSysctl, true, 'same sysctl.d file'],
    [bridgeSysctl, libvirtd, false],
    [bridgeSysctl, restart, false],
    [bridgeSysctl, chronyd, false],
    [bridgeSysctl, conntrack, false],
    [bridgeSysctl, unblock, false],
  ]);
});

test("a module load re-reads the sysctls it may create, the services and libvirtd's network", () => {
  check([
    [brNetfilter, bridgeSysctl, true],
    [brNetfilter, conntrack, true],
    [brNetfilter, libvirtd, true],
    [brNetfilter, chronyd, true, 'a load can start units (udev)'],
    [brNetfilter, unblock, false, 'without params it writes no modprobe.d file'],
    [conntrack, unblock, true, 'its options file is in modprobe.d'],
  ]);
});

test('a removed blacklist line re-reads the modules (a waiting load may finish) and the services', () => {
  check([
    [unblock, conntrack, true],
    [unblock, bridgeSysctl, true],
    [unblock, libvirtd, true],
    [unblock, chronyd, true],
  ]);
});

test('a service change, a template and a command may touch anything', () => {
  for (const changed of [libvirtd, chronyd, template, command])
    for (const reader of [brNetfilter, bridgeSysctl, unblock, restart, chronyd])
      assert.equal(mayAffect(changed, reader), true, `${changed.name} -> ${reader.name}`);
});

test('tasks of a module without a footprint are read again after any change', () => {
  for (const changed of [bridgeSysctl, brNetfilter, unblock])
    for (const reader of [template, command]) assert.equal(mayAffect(changed, reader), true);
});
