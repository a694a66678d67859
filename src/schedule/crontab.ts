import { quote } from '../shell/index.js';

// The crontab fallback where systemd does not run. Each schedule is one line ending in a
// marker comment, so adding replaces and removing deletes exactly that schedule's line.

export function cronMarker(name: string): string {
  return `# netfix-schedule:${name}`;
}

/** One crontab line; `%` is a newline to cron unless escaped (crontab(5)). */
export function crontabLine(
  expression: string,
  command: readonly string[],
  logFile: string,
  name: string,
): string {
  const shell = `${command.map(quote).join(' ')} >> ${quote(logFile)} 2>&1`;
  return `${expression} ${shell.replace(/%/g, '\\%')} ${cronMarker(name)}`;
}

function isLineOf(line: string, name: string): boolean {
  return line.endsWith(` ${cronMarker(name)}`);
}

export function withCrontabLine(crontab: string, name: string, line: string): string {
  const kept = crontab.split('\n').filter((existing) => existing !== '' && !isLineOf(existing, name));
  return `${[...kept, line].join('\n')}\n`;
}

export function withoutCrontabLine(crontab: string, name: string): { crontab: string; removed: boolean } {
  const lines = crontab.split('\n').filter((line) => line !== '');
  const kept = lines.filter((line) => !isLineOf(line, name));
  return { crontab: kept.length > 0 ? `${kept.join('\n')}\n` : '', removed: kept.length !== lines.length };
}
