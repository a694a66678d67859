// Done-criterion 3 of issue 8: two runs of one schedule started at once: one runs, the other
// exits at once with the overlap message; after `kill -9` of a run, the next takes the stale
// lock over and says so.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Lab, startLab } from '../lab/index.js';
import { netfixBin, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

// A command without creates/removes runs on every apply: a run that lasts a few seconds.
const SLOW = `- name: slow
  hosts: all
  tasks:
    - name: take a while
      command: { cmd: sleep 4 }
`;

describe('schedule: overlapping runs', () => {
  let lab: Lab;
  const work = scratchDir();
  const state = join(work, 'state');
  const lockFile = join(state, 'locks', 'slow.lock');
  before(async () => {
    lab = await startLab({ hosts: 2 });
    const playbook = writePlaybook(work, 'slow.yml', SLOW);
    const add = await runNetfix([
      'schedule',
      'add',
      'slow',
      playbook,
      '-i',
      lab.inventoryPath,
      '--known-hosts',
      lab.knownHostsPath,
      '--state-dir',
      state,
      '--every',
      '1h',
      '--crontab-file',
      join(work, 'crontab'),
    ]);
    assert.equal(add.exitCode, 0, add.stderr);
  });
  after(async () => {
    await lab?.stop();
  });

  it('two runs started at once: one runs, the other exits at once with the overlap message', async () => {
    const started = Date.now();
    const runs = await Promise.all([
      runNetfix(['schedule', 'run', 'slow', '--state-dir', state]).then((r) => ({
        ...r,
        ms: Date.now() - started,
      })),
      runNetfix(['schedule', 'run', 'slow', '--state-dir', state]).then((r) => ({
        ...r,
        ms: Date.now() - started,
      })),
    ]);
    const ran = runs.filter((r) => r.exitCode === 0);
    const refused = runs.filter((r) => r.exitCode === 75);
    assert.equal(ran.length, 1, runs.map((r) => r.stderr + r.stdout).join('\n---\n'));
    assert.equal(refused.length, 1, runs.map((r) => r.stderr + r.stdout).join('\n---\n'));
    assert.match(
      refused[0]!.stderr,
      /^netfix: schedule slow is already running \(pid \d+ on .*, since .*\); this run exits without doing anything$/m,
    );
    assert.equal(refused[0]!.stdout, '');
    assert.ok(refused[0]!.ms < ran[0]!.ms && ran[0]!.ms > 4000, `${refused[0]!.ms} vs ${ran[0]!.ms}`);
    assert.match(ran[0]!.stdout, /history: run \S+ recorded/);
    assert.ok(!existsSync(lockFile), 'the lock outlived its run');
  });

  it('after kill -9 of a run, the next run takes its stale lock over and says so', async () => {
    const child = spawn(process.execPath, [netfixBin, 'schedule', 'run', 'slow', '--state-dir', state], {
      stdio: 'ignore',
    });
    // Bounded, and generous: a loaded machine takes seconds to start node and load netfix.
    for (let i = 0; i < 600 && !existsSync(lockFile); i++) await sleep(50);
    assert.ok(existsSync(lockFile), 'the run never took its lock');
    assert.equal(JSON.parse(readFileSync(lockFile, 'utf8')).pid, child.pid);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    assert.ok(existsSync(lockFile), 'kill -9 cannot release a lock');

    const next = await runNetfix(['schedule', 'run', 'slow', '--state-dir', state]);
    assert.equal(next.exitCode, 0, next.stderr + next.stdout);
    assert.match(
      next.stderr,
      new RegExp(
        `netfix: took over the lock of schedule slow: the run that held it \\(pid ${child.pid}, since .*\\) is gone`,
      ),
    );
    assert.ok(!existsSync(lockFile));
  });
});
