import { Cron, CronPattern } from 'croner';

// One schedule format underneath both backends: a classic 5-field cron expression. croner
// validates it and computes the next runs; `--every` is turned into such an expression, so the
// systemd timer and the crontab line fire at the same wall-clock times.

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * Normalises a cron expression (macros expanded) or says why it is refused. Quartz extensions
 * (L, W, #, ?) are refused: Vixie cron and systemd calendars have no equivalent.
 */
export function parseCron(text: string): { expression: string } | { error: string } {
  const expression = MACROS[text.trim().toLowerCase()] ?? text.trim().replace(/\s+/g, ' ');
  if (expression.startsWith('@'))
    return { error: `--cron '${text}': unknown macro (use @hourly, @daily, @weekly, @monthly, @yearly)` };
  const withoutNames = expression.replace(
    /(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)/gi,
    '',
  );
  if (/[LW#?]/i.test(withoutNames))
    return {
      error: `--cron '${text}': L, W, # and ? are not classic cron; systemd and crontab cannot run them`,
    };
  try {
    new CronPattern(expression, undefined, { mode: '5-part' });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '');
    return {
      error: `--cron '${text}': ${reason} (expected 5 fields: minute hour day-of-month month day-of-week)`,
    };
  }
  return { expression };
}

/** The parsed fields of a valid expression, for translating it to a systemd calendar. */
export function cronFields(expression: string): CronPattern {
  return new CronPattern(expression, undefined, { mode: '5-part' });
}

/** The next `count` run times after `from`, in local time as cron and systemd use. */
export function nextRuns(expression: string, count: number, from: Date = new Date()): Date[] {
  // Day-of-month and day-of-week are ORed when both are restricted, as in Vixie cron.
  return new Cron(expression, { paused: true, mode: '5-part', domAndDow: false }).nextRuns(count, from);
}

/**
 * `--every D` as a cron expression. Only intervals that divide an hour or a day evenly are
 * accepted: they map onto wall-clock times, which Persistent= and crontab both need.
 */
export function everyToCron(seconds: number, text: string): { expression: string } | { error: string } {
  const minutes = seconds / 60;
  const hours = seconds / 3600;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes < 60 && 60 % minutes === 0)
    return { expression: minutes === 1 ? '* * * * *' : `*/${minutes} * * * *` };
  if (Number.isInteger(hours) && hours >= 1 && hours < 24 && 24 % hours === 0)
    return { expression: hours === 1 ? '0 * * * *' : `0 */${hours} * * *` };
  if (seconds === 86400) return { expression: '0 0 * * *' };
  if (seconds === 604800) return { expression: '0 0 * * 0' };
  return {
    error: `--every '${text}': use an interval that divides an hour or a day (1min..30min, 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d, 7d), or --cron for anything else`,
  };
}
