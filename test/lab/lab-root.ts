// Every lab lives under one root, one numbered slot each: <root>/<slot>/ holds `owner`
// (pid and start time of the process that started it) and, by default, the lab itself in lab/.
// The slot also picks the lab's address range, so labs running at once never share an address.
// A slot whose owner is dead is an earlier run that was killed: reapStaleLabs() ends what it
// left running and removes it.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Labs go on tmpfs when /dev/shm allows it: creating a host's ~60 small files costs ~1 ms there
 * and ~40 ms on this machine's disk, which is most of a 1000-host startLab. The lab runs the
 * simulator from there, so the mount must not be noexec.
 */
function chooseRoot(): string {
  if (process.env.NETFIX_LAB_ROOT) return process.env.NETFIX_LAB_ROOT;
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const f = line.split(' ');
      if (f[4] === '/dev/shm' && line.includes(' - tmpfs ') && !/(^|,)noexec(,|$)/.test(f[5] ?? '')) {
        return '/dev/shm/netfix-lab';
      }
    }
  } catch {
    // no /proc: fall through
  }
  return '/tmp/netfix-lab';
}

export const LAB_ROOT = chooseRoot();
export const PYTHON = '/usr/bin/python3';
export const SIM_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sim');
/** 127.77.x.y for slot 0 up to 127.126.x.y: far from 127.0.0.1 and 127.0.1.1 that systems use. */
export const MAX_SLOTS = 50;

export interface Slot {
  index: number;
  dir: string;
}

/** Start time of a process in clock ticks since boot, to tell a live owner from a reused pid. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ownerAlive(slotDir: string): boolean {
  try {
    const [pid, start] = readFileSync(path.join(slotDir, 'owner'), 'utf8').trim().split(' ');
    return processStartTime(Number(pid)) === start;
  } catch {
    return false;
  }
}

export function labDirOf(slotDir: string): string {
  try {
    return readFileSync(path.join(slotDir, 'labdir'), 'utf8').trim();
  } catch {
    return path.join(slotDir, 'lab');
  }
}

/**
 * End a lab's processes (by its namespaces, never by name) and remove its directory and slot.
 * The caller owns the slot, or holds its reaping lock. The slot is renamed away before it is
 * deleted, so a new lab can never claim it half-deleted.
 */
export function reapLab(slotDir: string): void {
  const labDir = labDirOf(slotDir);
  if (existsSync(labDir)) {
    // -B: this copy of the simulator lives in the repository; leave no __pycache__ there.
    const r = spawnSync(PYTHON, ['-S', '-B', path.join(SIM_DIR, 'labd.py'), 'reap', labDir], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`reaping ${labDir} failed: ${r.stderr}`);
  }
  const tomb = path.join(LAB_ROOT, `dead-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    renameSync(slotDir, tomb);
  } catch {
    return; // already gone
  }
  rmSync(tomb, { recursive: true, force: true });
}

/** Runs fn while holding the slot's reaping lock (an atomic mkdir); false if another process holds it. */
function withReapingLock(slotDir: string, fn: () => void): boolean {
  const lock = `${slotDir}.reaping`;
  try {
    mkdirSync(lock);
  } catch {
    return false;
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return true;
}

function olderThan(p: string, ms: number): boolean {
  try {
    return Date.now() - statSync(p).mtimeMs > ms;
  } catch {
    return false;
  }
}

/**
 * Reap every lab whose owner is dead. Several processes may start labs at once (test files run
 * in parallel): only the holder of a slot's reaping lock reaps it, and it checks the owner again
 * once it holds the lock, since the slot may have been reaped and claimed anew meanwhile.
 */
export function reapStaleLabs(): string[] {
  mkdirSync(LAB_ROOT, { recursive: true, mode: 0o700 });
  const reaped: string[] = [];
  for (const entry of readdirSync(LAB_ROOT)) {
    const full = path.join(LAB_ROOT, entry);
    if (/^\d+$/.test(entry)) {
      if (ownerAlive(full)) continue;
      withReapingLock(full, () => {
        if (!existsSync(full) || ownerAlive(full)) return;
        reapLab(full);
        reaped.push(full);
      });
    } else if (/^(claim-|dead-|\d+\.reaping$)/.test(entry) && olderThan(full, 60_000)) {
      // a claim never renamed, a tomb never emptied, a reaper that died
      rmSync(full, { recursive: true, force: true });
    }
  }
  return reaped;
}

/** Take the lowest free slot. The owner file is written first and the directory renamed into
 * place, so a concurrent reaper never sees a slot without its owner. */
export function claimSlot(customLabDir?: string): Slot {
  mkdirSync(LAB_ROOT, { recursive: true, mode: 0o700 });
  const claim = mkdtempSync(path.join(LAB_ROOT, 'claim-'));
  writeFileSync(path.join(claim, 'owner'), `${process.pid} ${processStartTime(process.pid)}\n`);
  if (customLabDir) writeFileSync(path.join(claim, 'labdir'), `${path.resolve(customLabDir)}\n`);
  for (let index = 0; index < MAX_SLOTS; index++) {
    const dir = path.join(LAB_ROOT, String(index));
    try {
      renameSync(claim, dir);
      return { index, dir };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
    }
  }
  rmSync(claim, { recursive: true, force: true });
  throw new Error(`all ${MAX_SLOTS} lab slots under ${LAB_ROOT} are in use`);
}

/** Host i (0-based) of a slot: 127.(77+slot).(1 + i/250).(1 + i%250). */
export function hostAddress(slot: number, index: number): string {
  return `127.${77 + slot}.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`;
}
