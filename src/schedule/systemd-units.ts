import { cronToOnCalendar } from './calendar.js';
import { formatDuration } from './duration.js';
import type { ScheduleSpec } from './spec.js';

// The .service + .timer pair of a schedule, as text. Pure: install.ts writes them.

export function unitNames(name: string): { service: string; timer: string } {
  return { service: `netfix-${name}.service`, timer: `netfix-${name}.timer` };
}

/**
 * One argument of an Exec line as systemd.service(5) splits it: `%` would start a specifier and
 * `$` a variable, so both are doubled; anything else unusual goes in double quotes.
 */
export function systemdQuote(arg: string): string {
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Free text in a unit setting (Description=): specifiers escaped, one line. */
function unitText(text: string): string {
  return text.replace(/%/g, '%%').replace(/[\r\n]+/g, ' ');
}

export interface UnitFiles {
  service: string;
  timer: string;
}

export function renderUnits(spec: ScheduleSpec, execStart: readonly string[], user: boolean): UnitFiles {
  const names = unitNames(spec.name);
  const what = `${spec.checkOnly ? 'check' : 'apply'} ${spec.playbooks.map((p) => p.split('/').at(-1)).join(' ')}`;
  const header = `# Written by 'netfix schedule add ${spec.name}'; remove with 'netfix schedule remove ${spec.name}'.\n`;
  const service = [
    header.trimEnd(),
    '[Unit]',
    `Description=${unitText(`netfix schedule ${spec.name}: ${what}`)}`,
    // A system timer firing at boot (Persistent=) must not run before the network is up; the
    // user manager has no such target.
    ...(user ? [] : ['Wants=network-online.target', 'After=network-online.target']),
    '',
    '[Service]',
    // Not oneshot: RuntimeMaxSec= has no effect on oneshot services. simple rather than exec,
    // which needs systemd 240 (a RHEL 7 controller has 219).
    'Type=simple',
    `ExecStart=${execStart.map(systemdQuote).join(' ')}`,
    'Environment=NO_COLOR=1',
    ...(spec.maxRuntimeSec ? [`RuntimeMaxSec=${formatDuration(spec.maxRuntimeSec)}`] : []),
    // Exit 4 is "a check found drift": the result a check-only schedule exists to produce.
    ...(spec.checkOnly ? ['SuccessExitStatus=4'] : []),
    '',
  ].join('\n');
  const timer = [
    header.trimEnd(),
    '[Unit]',
    `Description=${unitText(`netfix schedule ${spec.name} (cron '${spec.cron}')`)}`,
    '',
    '[Timer]',
    ...cronToOnCalendar(spec.cron).map((calendar) => `OnCalendar=${calendar}`),
    // A run missed while the machine was off starts at the next boot.
    'Persistent=true',
    ...(spec.jitterSec > 0 ? [`RandomizedDelaySec=${formatDuration(spec.jitterSec)}`] : []),
    `Unit=${names.service}`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { service, timer };
}
