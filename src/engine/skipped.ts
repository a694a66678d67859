import type { HostResult, TaskResult } from './result.js';
import type { HostWork, PlayWork, TaskWork } from './work.js';

// Results for work that never ran: a task after a failure or an interrupt, a host or play that a
// stop rule or an interrupt kept from starting.

/** A stop rule or --max-runtime aborts with its reason as a string; Ctrl-C gives none. */
export function abortReason(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'interrupted';
}

export function skipped(play: PlayWork, task: TaskWork, handler: boolean, reason: string): TaskResult {
  return {
    play: play.name,
    name: task.name,
    module: task.module.name,
    handler,
    source: task.source,
    status: 'skipped',
    changes: [],
    problems: [{ severity: 'warning', message: `skipped: ${reason}` }],
    durationMs: 0,
  };
}

/** A host none of whose `plays` started: status skipped, every task skipped with the reason. */
export function notStarted(work: HostWork, plays: readonly PlayWork[], reason: string): HostResult {
  return {
    name: work.name,
    address: `${work.target.address}:${work.target.port}`,
    status: 'skipped',
    error: `not started: ${reason}`,
    stats: { connects: 0, execs: 0, bytesSent: 0, bytesReceived: 0 },
    tasks: plays.flatMap((play) =>
      play.tasks.map((task) => skipped(play, task, false, `not started: ${reason}`)),
    ),
    durationMs: 0,
  };
}
