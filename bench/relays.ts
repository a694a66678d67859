// The bench's handle on the relay process (relay.ts): start it, point it at a lab, read counts.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Cgroup } from './cgroup.js';
import type { RelayReply, RelayRequest, Route } from './relay.js';

const RELAY_SCRIPT = fileURLToPath(new URL('./relay.ts', import.meta.url));

export class Relays {
  #pending: Promise<unknown> = Promise.resolve();

  private constructor(readonly child: ChildProcess) {}

  /** Forks the relay process and moves it into `cgroup`, so its CPU is counted apart. */
  static start(cgroup: Cgroup): Relays {
    const child = fork(RELAY_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (child.pid) cgroup.adopt(child.pid);
    return new Relays(child);
  }

  route(routes: Route[], delayMs: number): Promise<void> {
    return this.#request({ type: 'routes', routes, delayMs }).then(() => undefined);
  }

  /** Connections accepted per route since the last call. */
  async takeConnects(): Promise<number[]> {
    const reply = await this.#request({ type: 'counts' });
    return reply.type === 'counts' ? reply.connects : [];
  }

  async stop(): Promise<void> {
    if (!this.child.connected) return;
    await this.#request({ type: 'stop' }).catch(() => undefined);
    this.child.disconnect();
  }

  /** One request at a time: each reply answers the oldest request. */
  #request(request: RelayRequest): Promise<RelayReply> {
    const next = this.#pending.then(
      () =>
        new Promise<RelayReply>((resolve, reject) => {
          const onExit = () => reject(new Error('the relay process exited'));
          this.child.once('exit', onExit);
          this.child.once('message', (reply: RelayReply) => {
            this.child.off('exit', onExit);
            if (reply.type === 'error') reject(new Error(`relay: ${reply.message}`));
            else resolve(reply);
          });
          this.child.send(request);
        }),
    );
    this.#pending = next.catch(() => undefined);
    return next;
  }
}
