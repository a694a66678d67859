// The lab's hung modprobe sits in a real D state through a small C program
// (sim/d-state/modprobe.c). It is compiled once per version of its source and kept under the lab
// root, where reapStaleLabs leaves it; each lab copies it into its own simulator.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LAB_ROOT, SIM_DIR } from './lab-root.js';

const SOURCE = path.join(SIM_DIR, 'd-state', 'modprobe.c');

/** Puts the compiled program where the lab's simulator looks for it: `<simDir>/d-state/modprobe`. */
export function installDStateModprobe(simDir: string): void {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  const cached = path.join(LAB_ROOT, 'cache', `d-state-modprobe-${hash}`);
  if (!existsSync(cached)) compile(cached);
  const target = path.join(simDir, 'd-state', 'modprobe');
  copyFileSync(cached, target);
  chmodSync(target, 0o755);
}

function compile(target: string): void {
  const cc = ['cc', 'gcc'].find((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0);
  if (!cc)
    throw new Error(
      `the lab compiles ${SOURCE} (a modprobe that hangs in D state) and finds no C compiler: ` +
        'apt-get install -y gcc libc6-dev (or run scripts/ensure-host-deps.sh as root)',
    );
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  // Labs start in parallel: each compiles to its own name, and the rename is atomic.
  const tmp = `${target}.${process.pid}.tmp`;
  const built = spawnSync(cc, ['-O2', '-Wall', '-o', tmp, SOURCE], { encoding: 'utf8' });
  if (built.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`compiling ${SOURCE} with ${cc} failed (${built.status}): ${built.stderr}`);
  }
  renameSync(tmp, target);
}
