// nf_write run by /bin/sh here: a temporary file left by a writer that was killed before its
// rename (sshd or the host gone) is removed by the next write of the same target, and only then.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { applyScript } from '../../../src/engine/remote-script.js';

const nonce = 'TestNonce123';

function write(path: string, content: string): void {
  const script = applyScript(
    nonce,
    [{ kind: 'writeFile', description: `write ${path}`, path, content, mode: 0o644 }],
    [],
  );
  execFileSync('/bin/sh', ['-s'], { input: script.text });
}

describe('nf_write and the temporary files of killed writers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netfix-nf-write-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // No process can have a PID above pid_max: its writer is certainly gone.
  const gonePid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;

  it('removes stale ones of its own target, keeps a live writer and other targets', () => {
    const target = join(dir, 'f.conf');
    writeFileSync(target, 'old\n');
    const stale = join(dir, `.f.conf.netfix-tmp.${gonePid}`);
    const live = join(dir, `.f.conf.netfix-tmp.${process.pid}`);
    const otherTarget = join(dir, `.g.conf.netfix-tmp.${gonePid}`);
    for (const path of [stale, live, otherTarget]) writeFileSync(path, 'half a fi');

    write(target, 'new\n');

    assert.equal(readFileSync(target, 'utf8'), 'new\n');
    assert.equal(existsSync(stale), false, 'the killed writer left it; this write removes it');
    assert.equal(existsSync(live), true, 'a writer still running owns its file');
    assert.equal(
      existsSync(otherTarget),
      true,
      'the leftovers of another target wait for a write of that target',
    );
  });
});
