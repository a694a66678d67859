// CPU accounting by cgroup: a process tree's CPU time, including processes that left the tree.
// Ansible's ssh ControlPersist masters daemonize (fork, setsid, parent exits): they are no longer
// descendants of ansible-playbook and nobody's cutime gets their CPU, but they stay in the cgroup
// their ancestor was put in. The same holds for the lab's sshd sessions and the relays' process.
// cgroup.procs is also a cheap list of every pid to sample for memory, where scanning /proc
// would cost ~40 µs per process on the whole machine (3000 processes with a 1000-host lab).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Hierarchy {
  root: string;
  /** CPU time used so far by everything that ever ran in the cgroup at `dir`, in ms. */
  cpuMs(dir: string): number;
}

/** cgroup v1 with the cpuacct controller (this machine), else the unified v2 hierarchy. */
function findHierarchy(): Hierarchy {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n');
  for (const line of mounts) {
    const [, mountPoint, type, options] = line.split(' ');
    if (type === 'cgroup' && mountPoint && options?.split(',').includes('cpuacct'))
      return {
        root: mountPoint,
        cpuMs: (dir) => Number(readFileSync(path.join(dir, 'cpuacct.usage'), 'utf8')) / 1e6,
      };
  }
  for (const line of mounts) {
    const [, mountPoint, type] = line.split(' ');
    if (type === 'cgroup2' && mountPoint)
      return {
        root: mountPoint,
        cpuMs: (dir) => {
          const stat = readFileSync(path.join(dir, 'cpu.stat'), 'utf8');
          return Number(/^usage_usec (\d+)$/m.exec(stat)?.[1] ?? Number.NaN) / 1e3;
        },
      };
  }
  throw new Error('no cgroup hierarchy with CPU accounting is mounted: the bench needs one to count CPU');
}

const PREFIX = 'netfix-bench-';

/** The bench's own cgroups, under <hierarchy>/netfix-bench-<pid>/. */
export class CgroupTree {
  readonly #hierarchy = findHierarchy();
  readonly dir = path.join(this.#hierarchy.root, `${PREFIX}${process.pid}`);
  #next = 0;

  constructor() {
    removeStale(this.#hierarchy.root);
    mkdirSync(this.dir, { recursive: true });
  }

  /** A new, empty cgroup; `label` only makes it readable in `ls`. */
  create(label: string): Cgroup {
    const dir = path.join(this.dir, `${this.#next++}-${label}`);
    mkdirSync(dir);
    return new Cgroup(dir, this.#hierarchy);
  }

  /** Removes the bench's cgroups that are empty by now. */
  remove(): void {
    removeTree(this.dir);
  }
}

export class Cgroup {
  constructor(
    readonly dir: string,
    readonly hierarchy: Hierarchy,
  ) {}

  /** Where a process writes its pid to join (`echo $$ > …` before exec). */
  get procsFile(): string {
    return path.join(this.dir, 'cgroup.procs');
  }

  pids(): number[] {
    try {
      return readFileSync(this.procsFile, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** Moves a running process (all its threads) here; its later children are born here. */
  adopt(pid: number): void {
    try {
      writeFileSync(this.procsFile, `${pid}\n`);
    } catch {
      // it exited meanwhile
    }
  }

  cpuMs(): number {
    return this.hierarchy.cpuMs(this.dir);
  }

  /** rmdir works once the cgroup is empty; a leftover is removed by the next bench's removeStale. */
  remove(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // still has processes
    }
  }
}

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory()) removeTree(path.join(dir, entry.name));
  try {
    rmdirSync(dir);
  } catch {
    // not empty: a process still runs in it
  }
}

/** Cgroups of earlier benches that died without cleaning up (their processes are gone too). */
function removeStale(root: string): void {
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith(PREFIX)) continue;
    const owner = Number(entry.slice(PREFIX.length));
    if (owner !== process.pid && !existsSync(`/proc/${owner}`)) removeTree(path.join(root, entry));
  }
}
