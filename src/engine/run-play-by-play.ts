import type { Transport } from '../ssh/transport.js';
import { batchSizes, stopReason } from './batches.js';
import { pause, runInPool } from './pool.js';
import type { HostResult } from './result.js';
import { runHost } from './run-host.js';
import { abortReason, notStarted } from './skipped.js';
import type { EngineEvent, EngineOptions, HostWork, PlayWork } from './work.js';

// Plays one after the other over the fleet, each in the batches its `serial` cuts, as Ansible
// runs them. A host keeps one connection for the whole run; a host that failed leaves the run
// (Ansible drops it from later plays); a stop rule (max_fail_percentage, any_errors_fatal, every
// host of a batch failed) ends the batch at once (no new task starts) and starts nothing after.

export interface PlayByPlayOutcome {
  results: HostResult[];
  stopped: string | undefined;
}

export async function runPlayByPlay(hosts: HostWork[], options: EngineOptions): Promise<PlayByPlayOutcome> {
  const connections = new SharedConnections(options.connect);
  const segments = new Map<string, HostResult[]>(hosts.map((host) => [host.name, []]));
  const done = new Set<string>();
  const events = new HostEvents(options.onEvent);
  let stopped: string | undefined;
  const finishHost = (host: HostWork) => {
    if (done.has(host.name)) return;
    done.add(host.name);
    events.hostDone(merge(host, segments.get(host.name)!));
  };

  try {
    for (const playId of playOrder(hosts)) {
      const members = hosts.filter((host) => !done.has(host.name) && playOf(host, playId));
      const first = playOf(members[0], playId);
      if (!first) continue;
      const sizes = batchSizes(members.length, first.rollout?.serial);
      let offset = 0;
      for (const [index, size] of sizes.entries()) {
        const batch = members.slice(offset, offset + size);
        offset += size;
        const interrupted = options.signal?.aborted ? abortReason(options.signal) : undefined;
        if (stopped || interrupted) {
          for (const host of batch)
            segments
              .get(host.name)!
              .push(notStarted(host, [playOf(host, playId)!], (stopped ?? interrupted)!));
          continue;
        }
        if (index > 0 && options.batchPauseMs) await pause(options.batchPauseMs, options.signal);
        const stop = new AbortController();
        const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
        const failed: string[] = [];
        const noteFailure = (host: string) => {
          if (failed.includes(host)) return;
          failed.push(host);
          const reason = stopReason(first.rollout, {
            play: first.name,
            batch: index + 1,
            batches: sizes.length,
            size: batch.length,
            failed,
          });
          if (reason && !stopped) {
            stopped = reason;
            stop.abort(`stopped: ${reason}`);
          }
        };
        const results = await runInPool(batch, options.forks, signal, (host) =>
          runHost(
            { ...host, plays: [playOf(host, playId)!] },
            {
              ...options,
              signal,
              connect: () => connections.connect(host),
              onEvent: (event) => {
                if (event.type === 'task-done' && event.task.status === 'failed') noteFailure(host.name);
                if (
                  event.type === 'host-done' &&
                  (event.result.status === 'failed' || event.result.status === 'unreachable')
                )
                  noteFailure(host.name);
                events.forward(event);
              },
            },
          ),
        );
        for (const [at, host] of batch.entries()) {
          const result =
            results[at] ?? notStarted(host, [playOf(host, playId)!], stopped ?? abortReason(options.signal));
          segments.get(host.name)!.push(result);
          if (result.status === 'failed' || result.status === 'unreachable') finishHost(host);
        }
      }
    }
  } finally {
    await connections.closeAll();
  }
  // Hosts that failed got their result as they failed; the others now, in inventory order.
  for (const host of hosts) finishHost(host);
  return { results: hosts.map((host) => merge(host, segments.get(host.name)!)), stopped };
}

/** Play ids in the order the playbooks list them (every host lists its plays in that order). */
function playOrder(hosts: readonly HostWork[]): string[] {
  const order: string[] = [];
  for (const host of hosts)
    for (const [index, play] of host.plays.entries())
      if (!order.includes(play.id)) order.splice(insertAt(order, host.plays, index), 0, play.id);
  return order;
}

/** After the last of this host's earlier plays already in the order. */
function insertAt(order: string[], plays: readonly PlayWork[], index: number): number {
  for (let earlier = index - 1; earlier >= 0; earlier--) {
    const at = order.indexOf(plays[earlier]!.id);
    if (at >= 0) return at + 1;
  }
  return 0;
}

function playOf(host: HostWork | undefined, playId: string): PlayWork | undefined {
  return host?.plays.find((play) => play.id === playId);
}

/** One host's results of each play it ran (or that was skipped) as one result. */
function merge(host: HostWork, parts: readonly HostResult[]): HostResult {
  // Plays after the one a host failed in never start on it.
  const all =
    parts.length < host.plays.length
      ? [...parts, notStarted(host, host.plays.slice(parts.length), 'an earlier play failed on this host')]
      : parts;
  const statuses = all.map((part) => part.status);
  const status = statuses.includes('unreachable')
    ? 'unreachable'
    : statuses.includes('failed')
      ? 'failed'
      : statuses.includes('changed')
        ? 'changed'
        : statuses.every((one) => one === 'skipped')
          ? 'skipped'
          : 'ok';
  const error = all.find((part) => part.status === status && part.error)?.error;
  return {
    name: host.name,
    address: all[0]!.address,
    status,
    ...(error ? { error } : {}),
    // The connection is shared, so its counters are cumulative: the largest is the total.
    stats: {
      connects: Math.max(...all.map((part) => part.stats.connects)),
      execs: Math.max(...all.map((part) => part.stats.execs)),
      bytesSent: Math.max(...all.map((part) => part.stats.bytesSent)),
      bytesReceived: Math.max(...all.map((part) => part.stats.bytesReceived)),
    },
    tasks: all.flatMap((part) => part.tasks),
    durationMs: all.reduce((sum, part) => sum + part.durationMs, 0),
  };
}

/** One connection per host for the whole run; runHost's close() is deferred to closeAll(). */
class SharedConnections {
  readonly #open = new Map<string, Promise<Transport>>();
  constructor(readonly connectTo: EngineOptions['connect']) {}

  connect(host: HostWork): Promise<Transport> {
    let transport = this.#open.get(host.name);
    if (!transport) {
      transport = this.connectTo(host.target);
      this.#open.set(host.name, transport);
    }
    return transport.then((shared) => ({
      exec: (script, options) => shared.exec(script, options),
      close: async () => undefined,
      get stats() {
        return shared.stats;
      },
    }));
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.#open.values()].map((transport) =>
        transport.then(
          (open) => open.close().catch(() => undefined),
          () => undefined,
        ),
      ),
    );
  }
}

/** Views see one host-start and one host-done per host, however many plays and batches it ran. */
class HostEvents {
  readonly #started = new Set<string>();
  constructor(readonly onEvent: EngineOptions['onEvent']) {}

  forward(event: EngineEvent): void {
    if (event.type === 'host-done') return;
    if (event.type === 'host-start') {
      if (this.#started.has(event.host)) return;
      this.#started.add(event.host);
    }
    this.onEvent?.(event);
  }

  hostDone(result: HostResult): void {
    this.onEvent?.({ type: 'host-done', host: result.name, result });
  }
}
