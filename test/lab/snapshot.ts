// A host's private state as a flat map, for "nothing changed" assertions. Read from the lab
// directory directly (no process in the host): /etc and /var are their overlays' upper layers,
// i.e. exactly what differs from the real machine's.
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** lab subdirectory -> path inside the host. */
const TREES: Array<[string, string]> = [
  ['etc', '/etc'],
  ['var', '/var'],
  ['run', '/run'],
  ['root', '/root'],
  ['sys-module', '/sys/module'],
  ['sys-class-net', '/sys/class/net'],
  ['proc-sys-net', '/proc/sys/net'],
];

/** Bookkeeping, not host state: sshd's privilege separation dir and the simulator's lock. */
const SKIP = new Set(['/run/sshd', '/run/netfix-sim/lock']);

export async function snapshotHost(hostDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [sub, mountPoint] of TREES) await walk(path.join(hostDir, sub), mountPoint, out);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function walk(dir: string, shown: string, out: Record<string, string>): Promise<void> {
  for (const name of await readdir(dir)) {
    const full = path.join(dir, name);
    const inside = `${shown}/${name}`;
    if (SKIP.has(inside)) continue;
    const st = await lstat(full);
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    if (st.isSymbolicLink()) out[inside] = `link::${await readlink(full)}`;
    else if (st.isCharacterDevice() && st.rdev === 0) out[inside] = 'whiteout::';
    else if (st.isDirectory()) {
      out[inside] = `dir:${mode}:`;
      await walk(full, inside, out);
    } else if (st.isFile()) out[inside] = `file:${mode}:${await readFile(full, 'utf8')}`;
  }
}
