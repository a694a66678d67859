import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { crontabLine, withCrontabLine, withoutCrontabLine } from './crontab.js';
import type { Installed, ScheduleSpec } from './spec.js';
import { statePaths } from './state-dir.js';
import { renderUnits, unitNames } from './systemd-units.js';

// The side effects of add and remove: unit files and systemctl, or a crontab line.

const run = promisify(execFile);

/**
 * bin/netfix.js of this installation: src/schedule, dist/schedule and the bundle, dist/bundle, are
 * all two levels down.
 */
export const netfixBin = fileURLToPath(new URL('../../bin/netfix.js', import.meta.url));

/** What the timer or cron runs: absolute node and netfix, so PATH at 3 a.m. does not matter. */
export function scheduledCommand(name: string, stateDir: string, fromCron: boolean): string[] {
  return [
    process.execPath,
    netfixBin,
    'schedule',
    'run',
    name,
    '--state-dir',
    resolve(stateDir),
    ...(fromCron ? ['--from-cron'] : []),
  ];
}

export function systemdIsRunning(): boolean {
  // sd_booted(3)'s own test.
  return existsSync('/run/systemd/system');
}

export function defaultUnitDir(user: boolean): string {
  return user
    ? join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user')
    : '/etc/systemd/system';
}

export interface InstallReport {
  installed: Installed;
  files: string[];
  /** What the operator still has to do, when netfix could not do it here. */
  notes: string[];
}

async function systemctl(user: boolean, ...args: string[]): Promise<void> {
  await run('systemctl', [...(user ? ['--user'] : []), ...args]);
}

export async function installSystemd(
  spec: ScheduleSpec,
  stateDir: string,
  options: { unitDir: string; user: boolean },
): Promise<InstallReport> {
  const names = unitNames(spec.name);
  const units = renderUnits(spec, scheduledCommand(spec.name, stateDir, false), options.user);
  await mkdir(options.unitDir, { recursive: true });
  const files = [join(options.unitDir, names.service), join(options.unitDir, names.timer)];
  await writeFile(files[0]!, units.service, { mode: 0o644 });
  await writeFile(files[1]!, units.timer, { mode: 0o644 });
  // systemd only reads its own directories: a scratch --unit-dir is for review or packaging.
  const activate = systemdIsRunning() && resolve(options.unitDir) === defaultUnitDir(options.user);
  const scope = options.user ? ' --user' : '';
  const notes: string[] = [];
  if (activate) {
    await systemctl(options.user, 'daemon-reload');
    await systemctl(options.user, 'enable', '--now', names.timer);
  } else
    notes.push(
      systemdIsRunning()
        ? `${options.unitDir} is not a directory systemd reads: link the units in, then 'systemctl${scope} enable --now ${names.timer}'`
        : `systemd is not running here: on the target machine, 'systemctl${scope} daemon-reload && systemctl${scope} enable --now ${names.timer}'`,
    );
  return {
    installed: {
      backend: 'systemd',
      unitDir: resolve(options.unitDir),
      user: options.user,
      activated: activate,
    },
    files,
    notes,
  };
}

async function readCrontab(file: string | undefined): Promise<string> {
  if (file) return readFile(file, 'utf8').catch(() => '');
  try {
    return (await run('crontab', ['-l'])).stdout;
  } catch (error) {
    // crontab -l exits 1 with "no crontab for <user>" when there is none yet.
    if (/no crontab/i.test(String((error as { stderr?: string }).stderr))) return '';
    throw error;
  }
}

async function writeCrontab(file: string | undefined, text: string): Promise<void> {
  if (file) {
    await writeFile(file, text, { mode: 0o600 });
    return;
  }
  await new Promise<void>((done, fail) => {
    const child = execFile('crontab', ['-'], (error) => (error ? fail(error) : done()));
    child.stdin?.end(text);
  });
}

export async function installCron(
  spec: ScheduleSpec,
  stateDir: string,
  crontabFile: string | undefined,
): Promise<InstallReport> {
  const logDir = statePaths(stateDir).logs;
  await mkdir(logDir, { recursive: true });
  const line = crontabLine(
    spec.cron,
    scheduledCommand(spec.name, stateDir, true),
    join(logDir, `${spec.name}.log`),
    spec.name,
  );
  const file = crontabFile ? resolve(crontabFile) : undefined;
  await writeCrontab(file, withCrontabLine(await readCrontab(file), spec.name, line));
  return {
    installed: { backend: 'cron', ...(file ? { crontabFile: file } : {}) },
    files: [file ?? 'crontab -l'],
    notes:
      spec.jitterSec > 0
        ? ['cron has no jitter of its own: each run sleeps a random part of --jitter first']
        : [],
  };
}

export async function uninstall(spec: ScheduleSpec): Promise<string[]> {
  const installed = spec.installed;
  if (installed.backend === 'kubernetes') return [];
  if (installed.backend === 'cron') {
    const { crontab, removed } = withoutCrontabLine(await readCrontab(installed.crontabFile), spec.name);
    if (removed) await writeCrontab(installed.crontabFile, crontab);
    return removed
      ? [
          `removed the crontab line of ${spec.name}${installed.crontabFile ? ` from ${installed.crontabFile}` : ''}`,
        ]
      : [];
  }
  const names = unitNames(spec.name);
  const done: string[] = [];
  if (installed.activated) {
    await systemctl(installed.user, 'disable', '--now', names.timer).catch(() => {});
    done.push(`disabled ${names.timer}`);
  }
  for (const unit of [names.timer, names.service]) {
    const path = join(installed.unitDir, unit);
    if (existsSync(path)) {
      await rm(path);
      done.push(`removed ${path}`);
    }
  }
  if (installed.activated) await systemctl(installed.user, 'daemon-reload').catch(() => {});
  return done;
}
