import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcessAlive, processStartTime } from './process-identity.js';

// One run per schedule at a time. The lock file is created whole or not at all: the content is
// written to a private file first and link(2)ed into place, which fails with EEXIST like
// O_EXCL. A lock whose process is gone (killed, machine crashed) is taken over, under a second
// lock so that two runners finding the same stale lock cannot both take it.

export interface LockHolder {
  pid: number;
  /** /proc/<pid>/stat field 22: tells a reused pid apart. */
  startTime: string | null;
  startedAt: string;
  host: string;
  /** Tells two takers apart even within one process: release removes only its own file. */
  token?: string;
}

export type LockOutcome =
  | { acquired: true; release(): Promise<void>; tookOverFrom?: LockHolder }
  | { acquired: false; holder: LockHolder };

function self(): LockHolder {
  return {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    startedAt: new Date().toISOString(),
    host: hostname(),
    token: randomUUID(),
  };
}

async function readHolder(path: string): Promise<{ text: string; holder: LockHolder | null } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder.pid === 'number' ? { text, holder } : { text, holder: null };
  } catch {
    return { text, holder: null };
  }
}

/** Another machine's process (a lock on shared storage) cannot be checked: it counts as alive. */
function isStale(holder: LockHolder | null): boolean {
  if (holder === null) return true;
  if (holder.host !== hostname()) return false;
  return !isSameProcessAlive(holder.pid, holder.startTime);
}

async function linkExclusive(path: string, content: string): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, content, { mode: 0o644 });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

async function unlinkIfSame(path: string, text: string): Promise<void> {
  const current = await readHolder(path);
  if (current?.text === text) await unlink(path).catch(() => {});
}

export async function acquireLock(path: string): Promise<LockOutcome> {
  await mkdir(dirname(path), { recursive: true });
  const me = self();
  const content = `${JSON.stringify(me)}\n`;
  const release = () => unlinkIfSame(path, content);
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await linkExclusive(path, content)) return { acquired: true, release };
    const current = await readHolder(path);
    if (current === null) continue; // released between our link and our read
    if (!isStale(current.holder)) return { acquired: false, holder: current.holder! };
    const takeover = await takeOver(path, current.text, content);
    if (takeover === 'taken')
      return {
        acquired: true,
        release,
        tookOverFrom: current.holder ?? { pid: 0, startTime: null, startedAt: '?', host: hostname() },
      };
    if (takeover === 'busy') await sleep(50);
  }
  throw new Error(`could not take the lock ${path}: it kept changing hands`);
}

async function takeOver(
  path: string,
  staleText: string,
  content: string,
): Promise<'taken' | 'busy' | 'retry'> {
  const mutex = `${path}.takeover`;
  if (!(await linkExclusive(mutex, content))) {
    const other = await readHolder(mutex);
    // A runner killed in the few instructions between taking and releasing the mutex.
    if (other && isStale(other.holder)) await unlinkIfSame(mutex, other.text);
    return 'busy';
  }
  try {
    const current = await readHolder(path);
    if (current !== null && current.text !== staleText) return 'retry';
    if (current !== null) await unlink(path);
    return (await linkExclusive(path, content)) ? 'taken' : 'retry';
  } finally {
    await unlinkIfSame(mutex, content);
  }
}
