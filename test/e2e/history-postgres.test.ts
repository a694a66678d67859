// Several runners, one PostgreSQL history: two shards of one schedule run at once and record
// into the same database (NETFIX_HISTORY_URL), and `history` reads both back. A history that
// cannot be written never costs the run's result.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, startLab } from '../lab/index.js';
import { type PgCluster, startPostgres } from '../unit/history/pg-cluster.js';
import { runNetfix, scratchDir } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;

describe('history: several runners, one PostgreSQL', () => {
  let lab: Lab;
  let cluster: PgCluster | undefined;
  const work = scratchDir();
  const state = join(work, 'state');
  before(async () => {
    cluster = startPostgres();
    lab = await startLab({ hosts: 6 });
    const add = await runNetfix([
      'schedule',
      'add',
      'fleet',
      playbook,
      '-i',
      lab.inventoryPath,
      '--known-hosts',
      lab.knownHostsPath,
      '--state-dir',
      state,
      '--every',
      '1d',
      '--check-only',
      '--crontab-file',
      join(work, 'crontab'),
    ]);
    assert.equal(add.exitCode, 0, add.stderr);
  });
  after(async () => {
    await lab?.stop();
    cluster?.stop();
  });

  it('two shards run at once, both recorded in the one database, covering every host once', async () => {
    process.env.NETFIX_HISTORY_URL = cluster!.url;
    try {
      const runs = await Promise.all(
        ['0/2', '1/2'].map((shard) =>
          runNetfix(['schedule', 'run', 'fleet', '--state-dir', state, '--shard', shard]),
        ),
      );
      for (const run of runs) {
        assert.ok([0, 4].includes(run.exitCode), run.stderr + run.stdout);
        assert.match(run.stdout, /history: run \S+ recorded in postgresql:\/\/postgres@/);
      }
      const history = await runNetfix(['history', '--json', '--state-dir', state]);
      assert.equal(history.exitCode, 0, history.stderr);
      const stored = JSON.parse(history.stdout) as { runs: { shard: string; hosts: { total: number } }[] };
      assert.deepEqual(stored.runs.map((run) => run.shard).sort(), ['0/2', '1/2']);
      assert.equal(
        stored.runs.reduce((sum, run) => sum + run.hosts.total, 0),
        lab.hosts.length,
      );
    } finally {
      delete process.env.NETFIX_HISTORY_URL;
    }
  });

  it('a corrupt history file: the run still ends as it would, the report is written, the error said', async () => {
    const corrupt = join(work, 'corrupt.sqlite');
    writeFileSync(corrupt, 'not a database '.repeat(500));
    const run = await runNetfix(['schedule', 'run', 'fleet', '--state-dir', state, '--history', corrupt]);
    assert.ok([0, 4].includes(run.exitCode), run.stderr + run.stdout);
    const report = /report written to (\S+)/.exec(run.stdout)?.[1];
    assert.ok(report && existsSync(report));
    assert.match(
      run.stderr,
      new RegExp(
        `netfix: history: could not record run \\S+ in ${corrupt}: file is not a database; the run's result is in ${report}`,
      ),
    );
  });
});
