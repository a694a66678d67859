import { joinSh, raw, type Sh, sh } from '../../shell/index.js';
import type { ProbeRecords } from '../shared/probe-records.js';
import { type LibvirtHealth, parseLibvirtHealth, probeLibvirtHealth } from './libvirt-health.js';
import { isLibvirtd, type ServiceParams, sysvName } from './params.js';

export type InitSystem = 'systemd' | 'sysvinit';

export interface ServiceFacts {
  init: InitSystem;
  /** The unit or init script exists. */
  exists: boolean;
  /** systemd: is-active's word (active, inactive, failed, activating, ...); sysvinit: running/stopped. */
  activeState: string;
  /** systemd: is-enabled's word (enabled, disabled, static, masked, ...); sysvinit: enabled/disabled. */
  unitFileState: string;
  /** sysvinit: the tool that switches boot links; null on systemd or when neither exists. */
  sysvTool: 'chkconfig' | 'update-rc.d' | null;
  /** Only for libvirtd. */
  libvirt: LibvirtHealth | null;
}

const chkconfigPaths = ['/sbin/chkconfig', '/usr/sbin/chkconfig'];
const updateRcdPaths = ['/usr/sbin/update-rc.d', '/sbin/update-rc.d'];

export function probeService(params: ServiceParams): Sh {
  const script = sysvName(params.name);
  // The name is checked against namePatterns.service (no glob or shell characters), so it can sit
  // in an unquoted glob; every other value is quoted.
  const bootLinks = raw(`/etc/rc[2345].d/S[0-9][0-9]${script}`);
  // nf_svc_up keeps the status command's exit code (nf_cmd's $nf_rc): 0 is running, and only
  // then does libvirt's probe ask virsh. nf_once: a task and a handler on the same service (the
  // libvirtd restart of incident 3) run each command once per script.
  const lines = [
    sh`nf_exists /run/systemd/system
if [ -d /run/systemd/system ]; then
nf_once ${`systemctl-is-enabled:${params.name}`} enabled systemctl is-enabled ${params.name}
nf_once ${`systemctl-is-active:${params.name}`} active systemctl is-active ${params.name}; nf_svc_up=$nf_rc
else
nf_exists ${`/etc/init.d/${script}`} ${chkconfigPaths} ${updateRcdPaths} ${bootLinks}
nf_svc_up=1; if [ -e ${`/etc/init.d/${script}`} ]; then nf_once ${`service-status:${script}`} status service ${script} status; nf_svc_up=$nf_rc; fi
fi`,
  ];
  if (isLibvirtd(params)) lines.push(probeLibvirtHealth());
  return joinSh(lines);
}

/** The word systemctl printed: its last line (a SysV script under systemd first says it redirects). */
function lastLine(output: string | undefined): string {
  const lines = (output ?? '').trim().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}

function parseSystemd(records: ProbeRecords) {
  const enabled = records.commands.get('enabled');
  const active = records.commands.get('active');
  const word = lastLine(enabled?.output);
  const notFound =
    word === 'not-found' || /No such file|not found|could not be found|does not exist/i.test(word);
  return {
    exists: !notFound && enabled !== undefined,
    unitFileState: notFound ? 'not-found' : word || 'unknown',
    activeState: lastLine(active?.output) || 'unknown',
  };
}

function parseSysv(records: ProbeRecords, script: string) {
  const exists = records.existing.has(`/etc/init.d/${script}`);
  const status = records.commands.get('status');
  const bootLink = new RegExp(`^/etc/rc[2345]\\.d/S[0-9][0-9]${script.replace(/[.]/g, '\\.')}$`);
  return {
    exists,
    // LSB: 0 running, 3 stopped; 1 and 2 are "dead but a pid/lock file remains", i.e. not running.
    activeState: status?.exitCode === 0 ? 'running' : exists ? 'stopped' : 'unknown',
    unitFileState: [...records.existing].some((path) => bootLink.test(path)) ? 'enabled' : 'disabled',
    sysvTool: chkconfigPaths.some((path) => records.existing.has(path))
      ? ('chkconfig' as const)
      : updateRcdPaths.some((path) => records.existing.has(path))
        ? ('update-rc.d' as const)
        : null,
  };
}

export function parseServiceFacts(records: ProbeRecords, params: ServiceParams): ServiceFacts {
  const init: InitSystem = records.existing.has('/run/systemd/system') ? 'systemd' : 'sysvinit';
  const common = {
    libvirt: isLibvirtd(params) ? parseLibvirtHealth(records) : null,
  };
  if (init === 'systemd') return { init, sysvTool: null, ...parseSystemd(records), ...common };
  return { init, ...parseSysv(records, sysvName(params.name)), ...common };
}

/** Running, as far as a start/stop decision goes. */
export function isRunning(facts: ServiceFacts): boolean {
  return ['active', 'reloading', 'refreshing', 'running'].includes(facts.activeState);
}

/** Stopped for good; transitional states (deactivating) get a stop, which waits for them. */
export function isStopped(facts: ServiceFacts): boolean {
  return ['inactive', 'failed', 'dead', 'stopped'].includes(facts.activeState);
}
