// Done-criterion 1 of issue 8: a schedule installed into a scratch systemd directory passes
// `systemd-analyze verify`, and `schedule run` against the lab records a history row per host.
// Also: the crontab fallback, shards, list and remove.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parseAllDocuments } from 'yaml';
import { selectShard } from '../../src/schedule/index.js';
import { type Lab, seedIncident1, startLab } from '../lab/index.js';
import { runNetfix, scratchDir } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;

describe('schedule: systemd units, crontab, run and history', () => {
  let lab: Lab;
  const work = scratchDir();
  const state = join(work, 'state');
  const units = join(work, 'units');
  const crontab = join(work, 'crontab');
  before(async () => {
    lab = await startLab({ hosts: 4 });
    for (const host of lab.hosts) await seedIncident1(lab, host.name);
  });
  after(async () => {
    await lab?.stop();
  });
  const common = () => ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, '--state-dir', state];

  it('add writes a .service + .timer pair that systemd-analyze verify accepts, and shows the next 3 runs', async () => {
    const add = await runNetfix([
      'schedule',
      'add',
      'nightly',
      playbook,
      ...common(),
      '--cron',
      '30 2 * * *',
      '--jitter',
      '15min',
      '--max-runtime',
      '45min',
      '--unit-dir',
      units,
    ]);
    assert.equal(add.exitCode, 0, add.stderr + add.stdout);
    assert.match(add.stdout, /next runs:\n {2}.*02:30:00.*\n {2}.*02:30:00.*\n {2}.*02:30:00/);
    const service = join(units, 'netfix-nightly.service');
    const timer = join(units, 'netfix-nightly.timer');
    assert.match(
      readFileSync(timer, 'utf8'),
      /^OnCalendar=\*-\*-\* 2:30:00\nPersistent=true\nRandomizedDelaySec=15min$/m,
    );
    assert.match(readFileSync(service, 'utf8'), /^RuntimeMaxSec=45min$/m);
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', service, timer], { encoding: 'utf8' });
    assert.notEqual(
      verify.error?.message.includes('ENOENT'),
      true,
      'systemd-analyze is missing: apt-get install systemd',
    );
    assert.equal(verify.status, 0, verify.stderr + verify.stdout);
    assert.equal(verify.stderr.trim(), '', 'systemd-analyze verify complained');
  });

  it('schedule run runs it as the timer would and records one history row per host', async () => {
    const run = await runNetfix(['schedule', 'run', 'nightly', '--state-dir', state]);
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    const runId = /history: run (\S+) recorded in (\S+)/.exec(run.stdout);
    assert.ok(runId, run.stdout);
    assert.equal(runId[2], join(state, 'history.sqlite'));
    const report = /report written to (\S+)/.exec(run.stdout)?.[1];
    assert.ok(report && existsSync(report));
    const db = new Database(join(state, 'history.sqlite'), { readonly: true });
    try {
      const hosts = db
        .prepare('SELECT host, status FROM host_runs WHERE run_id = ? ORDER BY host')
        .all(runId[1]) as { host: string; status: string }[];
      assert.deepEqual(
        hosts,
        lab.hosts.map((host) => ({ host: host.name, status: 'changed' })),
      );
      const run = db.prepare('SELECT schedule, mode, report_path FROM runs WHERE id = ?').get(runId[1]);
      assert.deepEqual(run, { schedule: 'nightly', mode: 'apply', report_path: report });
      const tasks = db.prepare('SELECT COUNT(*) AS n FROM task_runs WHERE run_id = ?').get(runId[1]) as {
        n: number;
      };
      assert.equal(tasks.n, lab.hosts.length * 4);
    } finally {
      db.close();
    }
    const history = await runNetfix(['history', '--state-dir', state, '--host', lab.hosts[0]!.name]);
    assert.equal(history.exitCode, 0, history.stderr);
    assert.match(
      history.stdout,
      new RegExp(`apply {2}schedule nightly .*hosts=4 .*${lab.hosts[0]!.name}: changed`),
    );
  });

  it('--shard K/N runs exactly the hosts of that shard', async () => {
    const names = lab.hosts.map((host) => host.name);
    for (const index of [0, 1]) {
      const run = await runNetfix([
        'schedule',
        'run',
        'nightly',
        '--state-dir',
        state,
        '--shard',
        `${index}/2`,
      ]);
      assert.equal(run.exitCode, 0, run.stderr + run.stdout);
      const runId = /history: run (\S+) recorded/.exec(run.stdout)![1];
      const db = new Database(join(state, 'history.sqlite'), { readonly: true });
      const hosts = (
        db.prepare('SELECT host FROM host_runs WHERE run_id = ? ORDER BY host').all(runId) as {
          host: string;
        }[]
      ).map((row) => row.host);
      const shard = db.prepare('SELECT shard FROM runs WHERE id = ?').get(runId) as { shard: string };
      db.close();
      assert.deepEqual(hosts, selectShard(names, { index, count: 2 }));
      assert.equal(shard.shard, `${index}/2`);
    }
  });

  it('schedule export --kubernetes prints a CronJob the Kubernetes API schema accepts', async () => {
    const exported = await runNetfix([
      'schedule',
      'export',
      'nightly',
      '--kubernetes',
      '--shards',
      '3',
      '--image',
      'registry.example/netfix:0.1.0',
      '--state-dir',
      state,
    ]);
    assert.equal(exported.exitCode, 0, exported.stderr);
    const [configMap, cronJob] = parseAllDocuments(exported.stdout).map((document) => document.toJS());
    assert.doesNotThrow(() => new ConfigMap(configMap).validate());
    assert.doesNotThrow(() => new CronJob(cronJob).validate());
    assert.equal(cronJob.spec.jobTemplate.spec.completions, 3);
    assert.match(configMap.data['inventory-0.yml'], /hypervisors/);
  });

  it('where systemd is absent: a crontab line in --crontab-file, run with --no-history, removed again', async () => {
    const add = await runNetfix([
      'schedule',
      'add',
      'watch',
      playbook,
      ...common(),
      '--every',
      '1h',
      '--check-only',
      '--crontab-file',
      crontab,
    ]);
    assert.equal(add.exitCode, 0, add.stderr + add.stdout);
    const line = readFileSync(crontab, 'utf8');
    assert.match(
      line,
      /^0 \* \* \* \* \S+ \S+netfix\.js schedule run watch --state-dir \S+ --from-cron >> \S+watch\.log 2>&1 # netfix-schedule:watch\n$/,
    );
    const list = await runNetfix(['schedule', 'list', '--state-dir', state]);
    assert.match(list.stdout, /^nightly {2}apply {2}cron '30 2 \* \* \*' .* systemd /m);
    assert.match(list.stdout, /^watch {2}check {2}every 1h .* cron /m);

    const run = await runNetfix(['schedule', 'run', 'watch', '--state-dir', state, '--no-history']);
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    assert.doesNotMatch(run.stdout, /history:/);

    const removeWatch = await runNetfix(['schedule', 'remove', 'watch', '--state-dir', state]);
    assert.equal(removeWatch.exitCode, 0, removeWatch.stderr);
    assert.equal(readFileSync(crontab, 'utf8'), '');
    const removeNightly = await runNetfix(['schedule', 'remove', 'nightly', '--state-dir', state]);
    assert.equal(removeNightly.exitCode, 0, removeNightly.stderr);
    assert.ok(
      !existsSync(join(units, 'netfix-nightly.timer')) && !existsSync(join(units, 'netfix-nightly.service')),
    );
    const none = await runNetfix(['schedule', 'run', 'nightly', '--state-dir', state]);
    assert.equal(none.exitCode, 1);
    assert.match(none.stderr, /no schedule named 'nightly'/);
  });
});
