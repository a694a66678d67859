import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  cronToOnCalendar,
  everyToCron,
  formatDuration,
  nextRuns,
  parseCron,
  parseDuration,
} from '../../../src/schedule/index.js';

describe('durations', () => {
  it('reads systemd-style spans and writes them back exactly', () => {
    for (const [text, seconds] of [
      ['90', 90],
      ['90s', 90],
      ['15min', 900],
      ['1h30m', 5400],
      ['1h 30min', 5400],
      ['7d', 604800],
      ['2w', 1209600],
    ] as const) {
      assert.deepEqual(parseDuration(text), { seconds }, text);
      assert.deepEqual(parseDuration(formatDuration(seconds)), { seconds }, formatDuration(seconds));
    }
    assert.match((parseDuration('3x') as { error: string }).error, /unknown unit 'x'/);
    assert.match((parseDuration('1h oops') as { error: string }).error, /expected a duration/);
    assert.match((parseDuration('') as { error: string }).error, /expected a duration/);
  });
});

describe('cron expressions', () => {
  it('accepts classic 5-field cron and macros, refuses the rest with the reason', () => {
    assert.deepEqual(parseCron('@daily'), { expression: '0 0 * * *' });
    assert.deepEqual(parseCron(' 30  2 * * MON-FRI '), { expression: '30 2 * * MON-FRI' });
    assert.deepEqual(parseCron('0 0 * jul,dec wed'), { expression: '0 0 * jul,dec wed' });
    assert.match((parseCron('61 * * * *') as { error: string }).error, /minute: 61/);
    assert.match((parseCron('* * * * * *') as { error: string }).error, /exactly 5 parts/);
    assert.match((parseCron('0 0 L * *') as { error: string }).error, /L, W, # and \?/);
    assert.match((parseCron('@reboot') as { error: string }).error, /unknown macro/);
  });

  it('turns --every into wall-clock cron, refusing intervals that do not divide an hour or a day', () => {
    assert.deepEqual(everyToCron(900, '15min'), { expression: '*/15 * * * *' });
    assert.deepEqual(everyToCron(3600, '1h'), { expression: '0 * * * *' });
    assert.deepEqual(everyToCron(6 * 3600, '6h'), { expression: '0 */6 * * *' });
    assert.deepEqual(everyToCron(86400, '1d'), { expression: '0 0 * * *' });
    assert.match((everyToCron(7 * 3600, '7h') as { error: string }).error, /divides an hour or a day/);
    assert.match((everyToCron(90, '90s') as { error: string }).error, /divides an hour or a day/);
  });

  it('gives the next runs in order', () => {
    const from = new Date('2030-01-01T10:07:00');
    assert.deepEqual(
      nextRuns('*/15 * * * *', 3, from).map((date) => date.getMinutes()),
      [15, 30, 45],
    );
  });
});

describe('cron to systemd OnCalendar', () => {
  it('writes compact calendars, and two lines where cron ORs day-of-month and day-of-week', () => {
    assert.deepEqual(cronToOnCalendar('*/15 9-17 * * 1-5'), ['Mon..Fri *-*-* 9..17:0/15:00']);
    assert.deepEqual(cronToOnCalendar('30 2 * * *'), ['*-*-* 2:30:00']);
    assert.deepEqual(cronToOnCalendar('0 0 * * 0'), ['Sun *-*-* 0:0:00']);
    assert.deepEqual(cronToOnCalendar('0 3 1,15 * 0'), ['*-*-1,15 3:0:00', 'Sun *-*-* 3:0:00']);
    assert.deepEqual(cronToOnCalendar('5 4 */2 * *'), ['*-*-1/2 4:5:00']);
    assert.deepEqual(cronToOnCalendar('0 0 1 */3 *'), ['*-1/3-1 0:0:00']);
  });

  // The translation is only right if systemd itself fires at the times cron would.
  it('fires when croner says cron fires, according to systemd-analyze calendar', () => {
    const probe = spawnSync('systemd-analyze', ['--version']);
    assert.equal(
      probe.status,
      0,
      'systemd-analyze is missing: install Debian package systemd (scripts/ensure-host-deps.sh does)',
    );
    for (const expression of [
      '*/15 9-17 * * 1-5',
      '0 3 1,15 * 0',
      '5 4 */2 * *',
      '0 */6 * * *',
      '30 2 * * sat,sun',
      '0 0 1 */3 *',
      '7,37 * 10-20 * *',
    ]) {
      const calendars = cronToOnCalendar(expression);
      const result = spawnSync('systemd-analyze', ['calendar', '--iterations=6', ...calendars], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
      });
      assert.equal(result.status, 0, result.stderr);
      // Each line gets its own list; together (ORed) they are the timer's elapses.
      const elapses = [...result.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC/g)]
        .map((match) => `${match[1]!.replace(' ', 'T')}.000Z`)
        .sort();
      const systemd = [...new Set(elapses)].slice(0, 6);
      const previousTz = process.env.TZ;
      process.env.TZ = 'UTC';
      const cron = nextRuns(expression, 6).map((date) => date.toISOString());
      process.env.TZ = previousTz;
      assert.deepEqual(systemd, cron, `${expression} -> ${calendars.join(' | ')}`);
    }
  });
});
