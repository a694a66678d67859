import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type EngineEvent, RUN_RESULT_SCHEMA_VERSION, type RunResult } from '../engine/index.js';
import { summarize } from './recap.js';

// `--report FILE.jsonl`: one JSON object a line, written as the run goes, so a run that is
// killed leaves every event so far. Each line is one writeSync of the whole line: it is in the
// kernel before the next event is handled, so even SIGKILL leaves only whole lines (a buffered
// stream would lose what it still held). No fsync: a host crash is not what this guards against.
//
// Lines: {"type":"run-start",...} first; then host-start / task-done / host-done, the engine's
// events, each with `at`; {"type":"run-end",...} last, only when the run ended. TaskResult and
// HostResult are those of `netfix schema run-result`.

export interface JsonlHeader {
  netfixVersion: string;
  mode: RunResult['mode'];
  hosts: number;
}

export interface JsonlReport {
  event(event: EngineEvent): void;
  /** Writes the run-end line and closes the file. */
  end(result: RunResult): void;
}

export function openJsonlReport(path: string, header: JsonlHeader): JsonlReport {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w', 0o644);
  let open = true;
  const line = (value: object) => {
    if (open) writeSync(fd, `${JSON.stringify({ ...value, at: new Date().toISOString() })}\n`);
  };
  line({
    type: 'run-start',
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    startedAt: new Date().toISOString(),
    ...header,
  });
  return {
    event: (event) => line(event),
    end(result) {
      line({
        type: 'run-end',
        durationMs: result.durationMs,
        interrupted: result.interrupted,
        ...(result.stopped ? { stopped: result.stopped } : {}),
        hosts: summarize(result),
      });
      open = false;
      closeSync(fd);
    },
  };
}
