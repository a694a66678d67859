import { type Sh, sh } from '../../shell/index.js';
import type { Change, Problem, RemoteStep } from '../define.js';
import { isRunning, isStopped, type ServiceFacts } from './facts.js';
import { libvirtHealthProblems } from './libvirt-health.js';
import { type ServiceParams, sysvName, wantsRunning } from './params.js';

/** A change together with the steps that make it: plan() and apply() are two views of this list. */
export interface Action {
  change: Change;
  steps: RemoteStep[];
}

type Verb = 'start' | 'stop' | 'restart' | 'reload';

function stateCommand(params: ServiceParams, facts: ServiceFacts, verb: Verb): Sh {
  return facts.init === 'systemd'
    ? sh`systemctl ${verb} ${params.name}`
    : sh`service ${sysvName(params.name)} ${verb}`;
}

function bootCommand(params: ServiceParams, facts: ServiceFacts, enable: boolean): Sh {
  const script = sysvName(params.name);
  if (facts.init === 'systemd') return sh`systemctl ${enable ? 'enable' : 'disable'} ${params.name}`;
  if (facts.sysvTool === 'chkconfig') return sh`chkconfig ${script} ${enable ? 'on' : 'off'}`;
  // `enable` only flips existing K links to S; `defaults` makes the links when there are none.
  return enable
    ? sh`update-rc.d ${script} defaults && update-rc.d ${script} enable`
    : sh`update-rc.d ${script} disable`;
}

/** Whether it starts at boot: null when the init system cannot switch it (static, masked, ...). */
export function bootState(facts: ServiceFacts): boolean | null {
  if (['enabled', 'enabled-runtime'].includes(facts.unitFileState)) return true;
  if (facts.unitFileState === 'disabled') return false;
  return null;
}

function isMasked(facts: ServiceFacts): boolean {
  return facts.unitFileState.startsWith('masked');
}

/** How this init system words running and stopped. */
function stateWords(facts: ServiceFacts) {
  return facts.init === 'systemd' ? { up: 'active', down: 'inactive' } : { up: 'running', down: 'stopped' };
}

function stateAction(params: ServiceParams, facts: ServiceFacts): Action | null {
  const words = stateWords(facts);
  // A restart or reload of a running service changes no state a person could read before/after.
  const action = (verb: Verb, summary: string, after: string | null, repeats: boolean): Action => {
    const command = stateCommand(params, facts, verb);
    const runtime =
      after === null ? {} : { runtime: { key: `service ${params.name}`, before: facts.activeState, after } };
    return {
      change: { summary, ...runtime, ...(repeats ? { repeats: true as const } : {}) },
      steps: [{ kind: 'exec', description: summary, command }],
    };
  };
  switch (params.state) {
    case undefined:
      return null;
    case 'started':
      return isRunning(facts) ? null : action('start', `start ${params.name}`, words.up, false);
    case 'stopped':
      return isStopped(facts) ? null : action('stop', `stop ${params.name}`, words.down, false);
    case 'restarted':
      return action('restart', `restart ${params.name}`, isRunning(facts) ? null : words.up, true);
    case 'reloaded':
      // A stopped service has no old configuration to drop: starting it reads the new one.
      return isRunning(facts)
        ? action('reload', `reload ${params.name}`, null, true)
        : action('start', `start ${params.name} (to reload it, but it is not running)`, words.up, true);
  }
}

function bootAction(params: ServiceParams, facts: ServiceFacts): Action | null {
  const current = bootState(facts);
  if (params.enabled === undefined || current === null || current === params.enabled) return null;
  const summary = `${params.enabled ? 'enable' : 'disable'} ${params.name} at boot`;
  return {
    change: {
      summary,
      runtime: {
        key: `service ${params.name} at boot`,
        before: facts.unitFileState,
        after: params.enabled ? 'enabled' : 'disabled',
      },
    },
    steps: [{ kind: 'exec', description: summary, command: bootCommand(params, facts, params.enabled) }],
  };
}

/** State first, then boot, as Ansible does. */
export function serviceActions(params: ServiceParams, facts: ServiceFacts): Action[] {
  return [stateAction(params, facts), bootAction(params, facts)].filter(
    (action): action is Action => action !== null,
  );
}

const systemdOnlySuffix = /\.(socket|timer|target|mount|automount|path|slice|scope|device|swap)$/;

export function serviceInspect(params: ServiceParams, facts: ServiceFacts): Problem[] {
  const name = params.name;
  if (facts.init === 'sysvinit' && systemdOnlySuffix.test(name))
    return [{ severity: 'error', message: `${name} is a systemd unit, and this host runs sysvinit` }];
  if (!facts.exists)
    return [
      {
        severity: 'error',
        message:
          facts.init === 'systemd'
            ? `no unit ${name} on this host (systemctl is-enabled: ${facts.unitFileState})`
            : `no init script /etc/init.d/${sysvName(name)} on this host`,
      },
    ];
  const problems: Problem[] = [];
  if (isMasked(facts) && (wantsRunning(params) || params.enabled === true))
    problems.push({
      severity: 'error',
      message: `${name} is masked: it cannot be started or enabled until \`systemctl unmask ${name}\``,
    });
  else if (params.enabled !== undefined && bootState(facts) === null && !isMasked(facts))
    problems.push({
      severity: 'warning',
      message: `${name} is ${facts.unitFileState}: systemctl cannot enable or disable it, so 'enabled' is left as it is`,
    });
  if (facts.init === 'sysvinit' && params.enabled !== undefined && facts.sysvTool === null)
    problems.push({
      severity: 'error',
      message: `neither chkconfig nor update-rc.d on this host: cannot change whether ${sysvName(name)} starts at boot`,
    });
  // Health before the change is a warning: a restart (or an earlier fix) may be what heals it.
  if (facts.libvirt && isRunning(facts)) problems.push(...libvirtHealthProblems(facts.libvirt, 'warning'));
  return problems;
}

export function serviceVerify(params: ServiceParams, facts: ServiceFacts): Problem[] {
  const name = params.name;
  const words = stateWords(facts);
  const problems: Problem[] = [];
  if (wantsRunning(params) && !isRunning(facts))
    problems.push({
      severity: 'error',
      message: `${name} is not running${facts.init === 'systemd' ? ` (see systemctl status ${name} and journalctl -u ${name})` : ''}`,
      expected: words.up,
      actual: facts.activeState,
    });
  if (params.state === 'stopped' && !isStopped(facts))
    problems.push({
      severity: 'error',
      message: `${name} is still running`,
      expected: words.down,
      actual: facts.activeState,
    });
  const boot = bootState(facts);
  if (params.enabled !== undefined && boot !== null && boot !== params.enabled)
    problems.push({
      severity: 'error',
      message: `${name} is ${params.enabled ? 'not enabled' : 'still enabled'} at boot`,
      expected: params.enabled ? 'enabled' : 'disabled',
      actual: facts.unitFileState,
    });
  if (facts.libvirt && wantsRunning(params) && isRunning(facts))
    problems.push(...libvirtHealthProblems(facts.libvirt, 'error'));
  return problems;
}
