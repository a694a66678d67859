import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from '../engine/index.js';

/** Writes a report atomically (a temporary file, then rename), so a reader never sees half of one. */
export async function writeReportFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o644 });
  await rename(temporary, path);
}

/** The run result as `netfix schema run-result` describes it. */
export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

export async function writeJsonReport(path: string, result: RunResult): Promise<void> {
  await writeReportFile(path, renderJson(result));
}
