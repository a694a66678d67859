import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from '../engine/index.js';

/** Writes the run result as JSON, atomically, so a reader never sees half a report. */
export async function writeJsonReport(path: string, result: RunResult): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o644 });
  await rename(temporary, path);
}
