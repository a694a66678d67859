// The Node end of labd.py: sends the host specs, waits for every sshd to listen, then relays
// the few operations the daemon does (stop/start a host). When this process dies, the daemon
// reads EOF on its stdin and tears the whole lab down, so a killed test leaves nothing running.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { PYTHON } from './lab-root.js';
import type { Distro } from './types.js';

export interface DaemonHostSpec {
  name: string;
  dir: string;
  address: string;
  port: number;
  kernel: string;
  init: string;
}

export interface DaemonHostState {
  pid: number;
  mntNs: number;
  distro: Distro;
  /** Descriptors the daemon holds on the host's mount and UTS namespaces. */
  nsFds: [number, number];
}

interface Reply {
  id?: number;
  ok?: boolean;
  error?: string;
  event?: string;
  message?: string;
  hosts?: Record<string, DaemonHostState>;
}

export class LabDaemon {
  readonly pid: number;
  hosts: Record<string, DaemonHostState> = {};
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #waiting = new Map<number, (reply: Reply) => void>();
  #nextId = 1;
  #stderr = '';
  readonly #exited: Promise<number | null>;

  private constructor(child: ChildProcessByStdio<Writable, Readable, Readable>) {
    this.#child = child;
    this.pid = child.pid ?? 0;
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-16_384);
    });
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.on('error', () => {}); // EPIPE once the daemon is gone; #exited reports that
    createInterface({ input: child.stdout }).on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        this.#stderr += `(unexpected output) ${line}\n`;
        return;
      }
      const key = reply.id ?? 0;
      const resolve = this.#waiting.get(key);
      this.#waiting.delete(key);
      resolve?.(reply);
      this.#refIfBusy();
    });
  }

  /** Starts the daemon and every host; resolves once all sshd listen. */
  static async start(
    labDir: string,
    spec: { sshd: string; sshdArgs: string[]; hosts: DaemonHostSpec[] },
  ): Promise<LabDaemon> {
    const child = spawn(PYTHON, ['-S', path.join(labDir, 'sim', 'labd.py'), 'serve', labDir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // sshd and every host inherit this: nothing of the controller's environment leaks in.
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    });
    const daemon = new LabDaemon(child);
    const ready = daemon.#expect(0);
    child.stdin.write(`${JSON.stringify(spec)}\n`);
    const exited = daemon.#exited.then((code): Reply => ({ event: 'exit', message: `exit ${code}` }));
    const reply = await Promise.race([ready, exited]);
    if (reply.event !== 'ready' || !reply.hosts) {
      await daemon.close();
      throw new Error(`lab daemon failed: ${reply.message ?? JSON.stringify(reply)}\n${daemon.#stderr}`);
    }
    daemon.hosts = reply.hosts;
    daemon.#refIfBusy();
    return daemon;
  }

  async request(op: 'stop-host' | 'start-host', name: string): Promise<void> {
    const id = this.#nextId++;
    const reply = this.#expect(id);
    this.#child.stdin.write(`${JSON.stringify({ id, op, name })}\n`);
    const r = await Promise.race([
      reply,
      this.#exited.then(() => ({ ok: false, error: 'lab daemon exited' }) as Reply),
    ]);
    if (!r.ok) throw new Error(`${op} ${name}: ${r.error}\n${this.#stderr}`);
  }

  /** EOF on the daemon's stdin: it kills every process of the lab and removes the lab dir. */
  async close(timeoutMs = 120_000): Promise<boolean> {
    this.#setRef(true);
    this.#child.stdin.end();
    const timer = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), timeoutMs).unref(),
    );
    return (await Promise.race([this.#exited, timer])) !== 'timeout';
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  #expect(id: number): Promise<Reply> {
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#setRef(true);
    });
  }

  // While nothing is awaited, the daemon must not keep the event loop alive: a test that
  // forgets stop() still lets its process end, and that EOF tears the lab down.
  #refIfBusy(): void {
    this.#setRef(this.#waiting.size > 0);
  }

  #setRef(on: boolean): void {
    for (const handle of [this.#child, this.#child.stdin, this.#child.stdout, this.#child.stderr] as Array<{
      ref?: () => void;
      unref?: () => void;
    }>) {
      if (on) handle.ref?.();
      else handle.unref?.();
    }
  }
}
