import { Listr } from 'listr2';
import type { EngineEvent, RunResult } from '../engine/index.js';
import { taskLine } from './recap.js';

export interface Progress {
  onEvent(event: EngineEvent): void;
  /** Runs the fleet under the view; resolves with its result. */
  wrap(run: () => Promise<RunResult>): Promise<RunResult>;
}

/**
 * Plain lines as tasks finish: for CI, cron and pipes. Failures go to stderr. Diffs wait for the
 * grouped summary at the end, where 500 identical ones read as one.
 */
export function plainProgress(options: { verbose: boolean; check: boolean }): Progress {
  return {
    onEvent(event) {
      if (event.type === 'task-done') {
        // In check mode the grouped summary at the end lists every planned change once.
        const planned =
          options.check && (event.task.status === 'would_change' || event.task.status === 'may_change');
        const quiet = (event.task.status === 'ok' && event.task.problems.length === 0) || planned;
        if (quiet && !options.verbose) return;
        if (event.task.status === 'skipped') return;
        const stream = event.task.status === 'failed' ? process.stderr : process.stdout;
        stream.write(`${taskLine(event.host, event.task, { diff: false }).join('\n')}\n`);
      } else if (event.type === 'host-done' && event.result.status === 'unreachable') {
        process.stderr.write(`[${event.host}] unreachable: ${event.result.error ?? ''}\n`);
      } else if (event.type === 'host-done' && options.verbose) {
        process.stdout.write(`[${event.host}] done: ${event.result.status} (${event.result.durationMs}ms)\n`);
      }
    },
    wrap: (run) => run(),
  };
}

/**
 * On a terminal: one line of aggregate counts and the hosts still running, so 500 hosts stay
 * readable. listr2 only draws; the engine owns concurrency.
 */
export function ttyProgress(totalHosts: number): Progress {
  const running = new Set<string>();
  const counts = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  let redraw: (() => void) | undefined;
  return {
    onEvent(event) {
      if (event.type === 'host-start') running.add(event.host);
      if (event.type === 'host-done') {
        running.delete(event.host);
        counts[event.result.status]++;
      }
      redraw?.();
    },
    async wrap(run) {
      let result: RunResult | undefined;
      const list = new Listr(
        [
          {
            title: 'netfix',
            task: async (_context, task) => {
              redraw = () => {
                const done = counts.ok + counts.changed + counts.failed + counts.unreachable + counts.skipped;
                task.title = `hosts ${done}/${totalHosts}: ${counts.ok} ok, ${counts.changed} changed, ${counts.failed} failed, ${counts.unreachable} unreachable${counts.skipped ? `, ${counts.skipped} not started` : ''}`;
                const names = [...running];
                task.output = names.length
                  ? `running: ${names.slice(0, 12).join(' ')}${names.length > 12 ? ` … (+${names.length - 12})` : ''}`
                  : '';
              };
              redraw();
              result = await run();
              redraw();
            },
          },
        ],
        { renderer: 'default', rendererOptions: { collapseSubtasks: false }, exitOnError: false },
      );
      await list.run();
      if (!result) throw new Error('run ended without a result');
      return result;
    },
  };
}
