import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquireLock } from '../../../src/schedule/index.js';
import { processStartTime, startTimeFromStat } from '../../../src/schedule/process-identity.js';

const dir = mkdtempSync(join(tmpdir(), 'netfix-lock-'));

/** A pid that existed and is gone: a child that has exited. */
function deadPid(): number {
  const child = spawnSync('/bin/sh', ['-c', 'echo $$']);
  return Number(child.stdout.toString().trim());
}

describe('schedule lock', () => {
  it('reads the start time from a stat line whose command has spaces and parentheses', () => {
    const stat = '4242 (evil ) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200';
    assert.equal(startTimeFromStat(stat), '987654');
    assert.ok(processStartTime(process.pid));
  });

  it('is taken once; a second taker is told who holds it; release frees it', async () => {
    const path = join(dir, 'a.lock');
    const first = await acquireLock(path);
    assert.ok(first.acquired);
    const second = await acquireLock(path);
    assert.equal(second.acquired, false);
    if (!second.acquired) assert.equal(second.holder.pid, process.pid);
    if (first.acquired) await first.release();
    const third = await acquireLock(path);
    assert.ok(third.acquired && !third.tookOverFrom);
    if (third.acquired) await third.release();
  });

  it('takes over a lock whose process is gone, and says from whom', async () => {
    const path = join(dir, 'b.lock');
    const pid = deadPid();
    writeFileSync(path, JSON.stringify({ pid, startTime: '1', startedAt: 'then', host: hostname() }));
    const lock = await acquireLock(path);
    assert.ok(lock.acquired);
    if (lock.acquired) {
      assert.equal(lock.tookOverFrom?.pid, pid);
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
      await lock.release();
    }
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse)', async () => {
    const path = join(dir, 'c.lock');
    writeFileSync(
      path,
      JSON.stringify({
        pid: process.pid,
        startTime: 'not-my-start-time',
        startedAt: 'then',
        host: hostname(),
      }),
    );
    const lock = await acquireLock(path);
    assert.ok(lock.acquired && lock.tookOverFrom?.pid === process.pid);
    if (lock.acquired) await lock.release();
  });

  it('lets exactly one of many simultaneous processes take a stale lock', async () => {
    const path = join(dir, 'd.lock');
    writeFileSync(
      path,
      JSON.stringify({ pid: deadPid(), startTime: '1', startedAt: 'then', host: hostname() }),
    );
    const lockModule = new URL('../../../src/schedule/lock.ts', import.meta.url).pathname;
    const script = `import { acquireLock } from '${lockModule}';
const lock = await acquireLock(process.argv[1]);
console.log(lock.acquired ? 'acquired' : 'busy');
await new Promise((done) => setTimeout(done, 1500));
if (lock.acquired) await lock.release();`;
    const runs = Array.from(
      { length: 6 },
      () =>
        new Promise<string>((resolve) => {
          const child = spawn(process.execPath, [
            '--import',
            'tsx',
            '--input-type=module',
            '-e',
            script,
            path,
          ]);
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
          });
          child.on('close', () => resolve(out.trim()));
        }),
    );
    const outcomes = await Promise.all(runs);
    assert.equal(outcomes.filter((outcome) => outcome === 'acquired').length, 1, outcomes.join(','));
    assert.equal(outcomes.filter((outcome) => outcome === 'busy').length, 5, outcomes.join(','));
  });
});
