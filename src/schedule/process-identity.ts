import { readFileSync } from 'node:fs';

// A pid alone is reused by the kernel; pid + start time (field 22 of /proc/<pid>/stat, in clock
// ticks since boot) names one process for as long as the machine runs.

/** Field 22 of /proc/<pid>/stat; null when the process does not exist. */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return startTimeFromStat(stat);
}

/** Field 22 of a stat line. comm (field 2) is in parentheses and may contain spaces or ')'. */
export function startTimeFromStat(stat: string): string | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

export function isSameProcessAlive(pid: number, startTime: string | null): boolean {
  const current = processStartTime(pid);
  if (current === null) return false;
  return startTime === null || current === startTime;
}
