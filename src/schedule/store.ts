import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { type ScheduleSpec, scheduleSpecSchema } from './spec.js';
import { statePaths } from './state-dir.js';

// Schedules as one JSON file each under <state>/schedules. Mode 0600: a postgres:// URL with a
// password may be in it.

function specPath(stateDir: string, name: string): string {
  return join(statePaths(stateDir).schedules, `${name}.json`);
}

function problem(file: string, message: string): InputError {
  return new InputError([{ file, line: 0, col: 0, field: '', message }]);
}

export async function saveSchedule(stateDir: string, spec: ScheduleSpec): Promise<string> {
  const path = specPath(stateDir, spec.name);
  await mkdir(statePaths(stateDir).schedules, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(spec, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
  return path;
}

export async function readScheduleFile(path: string): Promise<ScheduleSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw problem(path, 'no such schedule file');
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw problem(path, `not JSON: ${(error as Error).message}`);
  }
  const parsed = scheduleSpecSchema.safeParse(json);
  if (!parsed.success)
    throw problem(
      path,
      `not a netfix schedule: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export async function loadSchedule(stateDir: string, name: string): Promise<ScheduleSpec> {
  const path = specPath(stateDir, name);
  try {
    return await readScheduleFile(path);
  } catch (error) {
    if (error instanceof InputError && error.problems[0]?.message === 'no such schedule file')
      throw problem(
        name,
        `no schedule named '${name}' in ${statePaths(stateDir).schedules} (see 'netfix schedule list')`,
      );
    throw error;
  }
}

export async function listSchedules(stateDir: string): Promise<ScheduleSpec[]> {
  let names: string[];
  try {
    names = await readdir(statePaths(stateDir).schedules);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const specs: ScheduleSpec[] = [];
  for (const file of names.filter((name) => name.endsWith('.json')).sort())
    specs.push(await readScheduleFile(join(statePaths(stateDir).schedules, file)));
  return specs;
}

export async function deleteSchedule(stateDir: string, name: string): Promise<void> {
  await rm(specPath(stateDir, name), { force: true });
}
