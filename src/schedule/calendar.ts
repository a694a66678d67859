import { cronFields } from './cron.js';

// A cron expression as systemd OnCalendar= lines. Several lines are ORed by systemd, which is
// how cron's "day-of-month OR day-of-week" (both restricted) is kept; one line ANDs its fields.

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Indexes set to 1 in croner's field array, plus the value of index 0. */
function values(field: readonly number[], first: number): number[] {
  const set: number[] = [];
  field.forEach((on, index) => {
    if (on) set.push(index + first);
  });
  return set;
}

/**
 * A set of values as systemd writes it: `*` for all, `a/s` for a step running to the end of the
 * range, else consecutive runs as `a..b` joined by commas.
 */
export function compactValues(
  set: readonly number[],
  min: number,
  max: number,
  label?: (value: number) => string,
): string {
  const name = label ?? String;
  if (set.length === max - min + 1) return '*';
  const [start, second] = set;
  if (start !== undefined && second !== undefined && set.length > 2) {
    const step = second - start;
    const isStep = set.every((value, index) => value === start + index * step);
    // Names (weekdays) have no step form in systemd.
    if (isStep && set.at(-1)! + step > max && label === undefined) return `${start}/${step}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < set.length; ) {
    let j = i;
    while (j + 1 < set.length && set[j + 1] === set[j]! + 1) j++;
    const from = set[i]!;
    const to = set[j]!;
    if (j - i >= 2) parts.push(`${name(from)}..${name(to)}`);
    else for (let k = i; k <= j; k++) parts.push(name(set[k]!));
    i = j + 1;
  }
  return parts.join(',');
}

export function cronToOnCalendar(expression: string): string[] {
  const pattern = cronFields(expression);
  const minute = compactValues(values(pattern.minute, 0), 0, 59);
  const hour = compactValues(values(pattern.hour, 0), 0, 23);
  const day = compactValues(values(pattern.day, 1), 1, 31);
  const month = compactValues(values(pattern.month, 1), 1, 12);
  const weekday = compactValues(values(pattern.dayOfWeek, 0), 0, 6, (value) => WEEKDAYS[value]!);
  const time = `${hour}:${minute}:00`;
  const domRestricted = !pattern.starDOM;
  const dowRestricted = !pattern.starDOW && weekday !== '*';
  if (domRestricted && dowRestricted) return [`*-${month}-${day} ${time}`, `${weekday} *-${month}-* ${time}`];
  if (dowRestricted) return [`${weekday} *-${month}-* ${time}`];
  return [`*-${month}-${day} ${time}`];
}
