// Runs one command the way the bench measures every tool: wall time from spawn to exit, CPU time
// of everything it started (its own cgroup, so daemonized ssh masters count), and peak memory as
// the largest sum of RSS over its processes, sampled every 50 ms.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Cgroup, CgroupTree } from './cgroup.js';

export interface Measured {
  /** null when it was killed by the bench's timeout or a signal. */
  exitCode: number | null;
  timedOut: boolean;
  /** The last OUTPUT_TAIL bytes of each stream: enough for a recap, not a 1000-host log. */
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  /** Processes still in the cgroup after the command exited (ssh ControlPersist masters); the bench ended them. */
  leftovers: number;
}

export interface MeasureOptions {
  cgroups: CgroupTree;
  /** Names the cgroup, for `ls` while it runs. */
  label: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
}

const SAMPLE_MS = 50;
const OUTPUT_TAIL = 512 * 1024;
const PAGE_BYTES = Number(spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).stdout.trim()) || 4096;

/** The running command's process group, so SIGINT can end it (see run.ts). */
let running: { pid: number; cgroup: Cgroup } | undefined;

export function killRunning(): void {
  if (!running) return;
  signalAll([running.pid], 'SIGKILL', true);
  signalAll(running.cgroup.pids(), 'SIGKILL');
}

export async function measure(command: string, args: string[], options: MeasureOptions): Promise<Measured> {
  const cgroup = options.cgroups.create(options.label);
  // The shell joins the cgroup, then becomes the command (same pid): nothing runs outside it.
  const child = spawn('/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procsFile, command, ...args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = performance.now();
  const pid = child.pid ?? 0;
  running = { pid, cgroup };
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  let peakRssBytes = 0;
  const sample = () => {
    let sum = 0;
    for (const p of cgroup.pids()) sum += rssBytes(p);
    // The command's own high-water mark: exact for a one-process tool between two samples.
    peakRssBytes = Math.max(peakRssBytes, sum, hwmBytes(pid));
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalAll([pid], 'SIGKILL', true);
  }, options.timeoutMs);

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  clearTimeout(timer);
  running = undefined;
  sample(); // the leftovers (ssh masters) are still there
  // A leftover that kept our pipes open would hold 'close' forever: wait a little, not for it.
  await Promise.race([new Promise((r) => child.on('close', r)), sleep(2000)]);
  const leftovers = await endLeftovers(cgroup);
  const cpuMs = cgroup.cpuMs();
  cgroup.remove();
  return {
    exitCode,
    timedOut,
    stdout: stdout(),
    stderr: stderr(),
    wallMs,
    cpuMs,
    peakRssBytes,
    leftovers,
  };
}

function tail(stream: NodeJS.ReadableStream): () => string {
  let chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size > 2 * OUTPUT_TAIL) {
      const joined = Buffer.concat(chunks).subarray(-OUTPUT_TAIL);
      chunks = [joined];
      size = joined.length;
    }
  });
  return () => Buffer.concat(chunks).subarray(-OUTPUT_TAIL).toString();
}

function rssBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * PAGE_BYTES;
  } catch {
    return 0; // exited between listing and reading
  }
}

function hwmBytes(pid: number): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Ends what the command left running (pids of its cgroup only); returns how many there were. */
async function endLeftovers(cgroup: Cgroup): Promise<number> {
  const left = cgroup.pids();
  if (left.length === 0) return 0;
  signalAll(left, 'SIGTERM');
  for (let waited = 0; waited < 3000 && cgroup.pids().length > 0; waited += 50) await sleep(50);
  signalAll(cgroup.pids(), 'SIGKILL');
  for (let waited = 0; waited < 2000 && cgroup.pids().length > 0; waited += 50) await sleep(50);
  return left.length;
}

function signalAll(pids: number[], signal: NodeJS.Signals, group = false): void {
  for (const p of pids) {
    try {
      process.kill(group ? -p : p, signal);
    } catch {
      // already gone
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
