// Every apply is recorded in the history unless --no-history, and --shard K/N runs one stable
// part of the fleet (the same selection `schedule run --shard` and a Kubernetes Indexed Job use).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selectShard } from '../../src/schedule/index.js';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { labFlags, runNetfix } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;

describe('apply and the run history', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ hosts: 6 });
    for (const host of lab.hosts) await seedIncident1(lab, host.name);
  });
  after(async () => {
    await lab?.stop();
  });

  it('records a sharded apply, and nothing with --no-history', async () => {
    const names = lab.hosts.map((host) => host.name);
    const shard = selectShard(names, { index: 0, count: 2 });
    const sharded = await runNetfix(['apply', ...labFlags(lab), playbook, '--shard', '0/2']);
    assert.equal(sharded.exitCode, 0, sharded.stdout + sharded.stderr);
    assert.match(sharded.stdout, new RegExp(`${shard.length} hosts: 0 ok, ${shard.length} changed`));
    for (const name of names) assert.equal(sharded.stdout.includes(`${name} :`), shard.includes(name), name);
    assert.match(sharded.stdout, /history: run [0-9a-f-]+ recorded in .*history\.sqlite/);

    const unrecorded = await runNetfix(['apply', ...labFlags(lab), playbook, '--no-history']);
    assert.equal(unrecorded.exitCode, 0, unrecorded.stdout + unrecorded.stderr);
    assert.doesNotMatch(unrecorded.stdout, /history: run/);

    const history = await runNetfix(['history']);
    assert.equal(history.exitCode, 0, history.stderr);
    assert.match(
      history.stdout,
      new RegExp(`apply {2}by hand, shard 0/2 {2}hosts=${shard.length} ok=0 changed=${shard.length}`),
    );
    assert.match(history.stdout, /^1 run$/m);
  });
});
