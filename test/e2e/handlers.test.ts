// Handlers run once per host after the tasks, only when a change notified them, and still run
// when a later task fails (Ansible loses them: ansible#4766).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { labFlags, labValue, readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const handlerPlay = (failingTask: string) => `- name: handlers after a failure
  hosts: all
  tasks:
    - name: br_netfilter loaded
      kernel_module: { name: br_netfilter }
      notify: conntrack follows the bridge
    - name: vhost_net loaded
      kernel_module: { name: vhost_net }
      notify: conntrack follows the bridge
${failingTask}
  handlers:
    - name: conntrack follows the bridge
      kernel_module: { name: nf_conntrack, persistent: false }
`;

describe('handlers', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: 2 });
    for (const host of lab.hosts) await seedIncident1(lab, host.name);
  });
  after(async () => {
    await lab?.stop();
  });

  it('run once after the tasks, also when a later task failed', async () => {
    const playbook = writePlaybook(
      work,
      'fails.yml',
      handlerPlay(
        '    - name: a module this kernel does not have\n      kernel_module: { name: no_such_module }',
      ),
    );
    const report = join(work, 'fails.json');
    const run = await runNetfix(['apply', ...labFlags(lab), playbook, '--report', report]);
    assert.equal(run.exitCode, 2, run.stdout + run.stderr);
    const host = (await readReport(report)).hosts[0]!;
    assert.deepEqual(
      host.tasks.map((task) => [task.name, task.status, task.handler]),
      [
        ['br_netfilter loaded', 'changed', false],
        ['vhost_net loaded', 'changed', false],
        ['a module this kernel does not have', 'failed', false],
        ['conntrack follows the bridge', 'changed', true],
      ],
    );
    assert.match(host.tasks[2]!.problems[0]!.message, /module no_such_module does not exist on this host/);
    assert.equal(await labValue(lab, 'hv001', '/sys/module/nf_conntrack/initstate'), 'live');
  });

  it('do not run when nothing changed', async () => {
    const playbook = writePlaybook(work, 'clean.yml', handlerPlay(''));
    await lab.sh('hv002', 'modprobe -r nf_conntrack');
    const report = join(work, 'clean.json');
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      playbook,
      '--report',
      report,
      '--limit',
      'hv002',
    ]);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const host = (await readReport(report)).hosts[0]!;
    assert.deepEqual(
      host.tasks.map((task) => task.status),
      ['ok', 'ok'],
    );
    assert.match(await labValue(lab, 'hv002', '/sys/module/nf_conntrack/initstate'), /No such file/);
  });
});
