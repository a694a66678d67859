// Rollout control on 50 hosts, as an operator would use it on a fleet: `serial: 10%` with
// `max_fail_percentage: 20` runs five hosts at a time and stops after the first batch in which
// more than one host of five failed, saying so; hosts of later batches are not touched.
// `any_errors_fatal` stops at the first failed host; `--batch-pause` waits between batches, and
// batches run one after the other (the JSONL stream shows the order).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { labFlags, labValue, readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const host = (n: number) => `hv${String(n).padStart(3, '0')}`;
const loadsAtBoot = (lab: Lab, name: string) => labValue(lab, name, '/etc/modules-load.d/br_netfilter.conf');

function playbook(keywords: string): string {
  return `- name: bridge netfilter, rolled out
  hosts: all
${keywords}
  tasks:
    - name: br_netfilter is loaded and loads at boot
      kernel_module:
        name: br_netfilter
    - name: bridged IPv4 traffic bypasses iptables
      sysctl:
        name: net.bridge.bridge-nf-call-iptables
        value: "0"
`;
}

describe('rollout control: serial, max_fail_percentage, any_errors_fatal, --batch-pause', () => {
  let lab: Lab;
  const work = scratchDir();
  before(async () => {
    lab = await startLab({ hosts: 50 });
    for (const one of lab.hosts) await seedIncident1(lab, one.name);
    // One failure in batch 1 (20%: not more than the limit), two in batch 2 (40%).
    for (const down of [3, 7, 8]) await lab.stopHost(host(down));
  });
  after(async () => {
    await lab?.stop();
  });

  it('serial 10% with max_fail_percentage 20 stops after batch 2 and says so', async () => {
    const file = writePlaybook(work, 'serial.yml', playbook('  serial: "10%"\n  max_fail_percentage: 20'));
    const report = join(work, 'serial.json');
    const run = await runNetfix(['apply', ...labFlags(lab), file, '--report', report]);
    assert.equal(run.exitCode, 2, run.stdout + run.stderr);
    const stopped =
      /max_fail_percentage 20% exceeded in batch 2\/10 of play "bridge netfilter, rolled out": 2 of 5 hosts failed \((hv007, hv008|hv008, hv007)\), 40%/;
    assert.match(
      run.stdout,
      new RegExp(`STOPPED: ${stopped.source}; later batches and plays were not started`),
    );
    assert.match(run.stdout, /50 hosts: .* 3 unreachable, 40 not started in/);

    const result = await readReport(report);
    assert.match(result.stopped ?? '', stopped);
    const status = (n: number) => result.hosts.find((one) => one.name === host(n))?.status;
    // Batch 1 went through, its one failure under the limit.
    for (const n of [1, 2, 4, 5]) assert.equal(status(n), 'changed', host(n));
    assert.equal(status(3), 'unreachable');
    for (const n of [7, 8]) assert.equal(status(n), 'unreachable');
    // Batches 3 to 10: never started, never touched.
    for (let n = 11; n <= 50; n++) {
      const one = result.hosts.find((entry) => entry.name === host(n))!;
      assert.equal(one.status, 'skipped', host(n));
      assert.match(one.error ?? '', /^not started: max_fail_percentage 20% exceeded in batch 2\/10/);
      assert.equal(one.stats.connects, 0);
    }
    for (const n of [11, 30, 50]) assert.match(await loadsAtBoot(lab, host(n)), /No such file/, host(n));
    assert.match(await loadsAtBoot(lab, host(1)), /^br_netfilter$/m);
  });

  it('any_errors_fatal stops the run at the first failed host', async () => {
    const file = writePlaybook(work, 'fatal.yml', playbook('  serial: 4\n  any_errors_fatal: true'));
    const report = join(work, 'fatal.json');
    // hv007 and hv008 are down: the batch hv005..hv008 fails, hv009.. never start.
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      file,
      '--limit',
      'hv005,hv006,hv007,hv008,hv009,hv010,hv011,hv012',
      '--report',
      report,
    ]);
    assert.equal(run.exitCode, 2, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /STOPPED: any_errors_fatal: hv00[78] failed in batch 1\/2 of play "bridge netfilter, rolled out"/,
    );
    const result = await readReport(report);
    for (const n of [9, 10, 11, 12])
      assert.equal(result.hosts.find((one) => one.name === host(n))?.status, 'skipped', host(n));
    assert.match(await loadsAtBoot(lab, host(9)), /No such file/);
  });

  it('--batch-pause waits between batches, and a batch starts only when the one before ended', async () => {
    const file = writePlaybook(work, 'pause.yml', playbook('  serial: 2'));
    const stream = join(work, 'pause.jsonl');
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      file,
      '--limit',
      'hv013,hv014,hv015,hv016',
      '--batch-pause',
      '2s',
      '--report',
      stream,
    ]);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const events = readFileSync(stream, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; host?: string; at?: string });
    const times = (type: string, names: string[]) =>
      events
        .filter((event) => event.type === type && names.includes(event.host ?? ''))
        .map((event) => Date.parse(event.at ?? ''));
    const firstBatchEnd = Math.max(...times('task-done', ['hv013', 'hv014']));
    const secondBatchStart = Math.min(...times('host-start', ['hv015', 'hv016']));
    assert.ok(
      secondBatchStart - firstBatchEnd >= 2000,
      `batch 2 started ${secondBatchStart - firstBatchEnd} ms after batch 1 ended`,
    );
  });
});
