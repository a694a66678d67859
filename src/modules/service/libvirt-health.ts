import {
  describeStuckProcess,
  isDescendantOf,
  type StuckProcess,
  stuckInBoth,
  stuckProcessProbe,
  waitsOnModuleLoad,
} from '../../proc/stuck-processes.js';
import { raw, type Sh, sh } from '../../shell/index.js';
import type { Problem } from '../define.js';
import type { ProbeRecords } from '../shared/probe-records.js';

// Incident 3: libvirtd was "active" while its default network never came up (no virbr0) and an
// iptables child sat in D state forever. "Active" alone proves nothing; these checks do.

const virshSeconds = 15;

export interface DefaultNetwork {
  /** `virsh net-info default`: undefined when the network does not exist (nothing to check). */
  state: 'active' | 'inactive' | 'undefined' | 'unknown';
  autostart: boolean | null;
  bridge: string | null;
  /** virsh's exit code and output, for messages when state is unknown. */
  exitCode: number;
  output: string;
}

export interface BridgeState {
  operstate: string | null;
  /** /sys/class/net/<br>/flags; bit 0 (IFF_UP) is "administratively up". */
  flags: number | null;
}

export interface LibvirtHealth {
  /** null when libvirtd was not running at probe time (virsh was not asked). */
  defaultNetwork: DefaultNetwork | null;
  bridges: Map<string, BridgeState>;
  stuck: StuckProcess[];
}

/**
 * Asked only when the service is running (`$nf_svc_up`, from the status command): with
 * socket activation, connecting to a stopped libvirtd would start it, and a probe changes nothing.
 * virsh gets a deadline because a hung libvirtd (incident 3) never answers. Bridges are read
 * for virbr* only: the default network's bridge is virbr0 unless someone renamed it.
 */
export function probeLibvirtHealth(): Sh {
  return sh`if [ "$nf_svc_up" = 0 ]; then nf_once virsh-net-info:default virsh-net-info timeout ${virshSeconds} virsh -r -c qemu:///system net-info default; fi
nf_glob ${raw('/sys/class/net/virbr*/operstate /sys/class/net/virbr*/flags')}
${stuckProcessProbe('stuck')}`;
}

function parseNetInfo(exitCode: number, output: string): DefaultNetwork {
  const field = (name: string) =>
    new RegExp(`^${name}:\\s*(.*?)\\s*$`, 'm').exec(output)?.[1]?.toLowerCase() ?? null;
  const base = { exitCode, output: output.trim() };
  if (exitCode !== 0) {
    const missing = /Network not found|no network with matching name/i.test(output);
    return { ...base, state: missing ? 'undefined' : 'unknown', autostart: null, bridge: null };
  }
  const active = field('Active');
  const autostart = field('Autostart');
  return {
    ...base,
    state: active === 'yes' ? 'active' : active === 'no' ? 'inactive' : 'unknown',
    autostart: autostart === 'yes' ? true : autostart === 'no' ? false : null,
    bridge: /^Bridge:\s*(\S+)/m.exec(output)?.[1] ?? null,
  };
}

export function parseLibvirtHealth(records: ProbeRecords): LibvirtHealth {
  const netInfo = records.commands.get('virsh-net-info');
  const bridges = new Map<string, BridgeState>();
  for (const file of records.files.values()) {
    const match = /^\/sys\/class\/net\/([^/]+)\/(operstate|flags)$/.exec(file.path);
    if (!match || file.content === null) continue;
    const bridge = bridges.get(match[1]!) ?? { operstate: null, flags: null };
    if (match[2] === 'operstate') bridge.operstate = file.content.trim();
    else bridge.flags = Number.parseInt(file.content.trim(), 16);
    bridges.set(match[1]!, bridge);
  }
  return {
    defaultNetwork: netInfo ? parseNetInfo(netInfo.exitCode, netInfo.output) : null,
    bridges,
    stuck: stuckInBoth(
      records.commands.get('stuck')?.output ?? '',
      records.commands.get('stuck-again')?.output,
    ),
  };
}

function networkProblems(network: DefaultNetwork, bridges: Map<string, BridgeState>): Problem[] {
  if (network.state === 'undefined') return [];
  if (network.state === 'unknown') {
    if (network.exitCode === 124)
      return [
        {
          severity: 'error',
          message: `virsh did not answer within ${virshSeconds}s: libvirtd is not responding`,
        },
      ];
    if (network.exitCode === 127)
      return [
        {
          severity: 'warning',
          message: `cannot check libvirt's default network: ${network.output || 'virsh or timeout not found'}`,
        },
      ];
    return [
      {
        severity: 'error',
        message: `virsh net-info default failed (exit ${network.exitCode}): ${network.output}`,
      },
    ];
  }
  if (network.state === 'inactive')
    return [
      {
        // Autostart off means someone stopped it on purpose: say so, do not fail.
        severity: network.autostart === false ? 'warning' : 'error',
        message:
          network.autostart === false
            ? "libvirt's default network is defined but not active (autostart is off)"
            : "libvirt's default network is not active although it autostarts: it failed to start (incident 3: could its firewall rules not be applied? see journalctl -u libvirtd)",
        expected: 'active',
        actual: 'inactive',
      },
    ];
  const name = network.bridge;
  if (name === null) return [];
  const bridge = bridges.get(name);
  if (!bridge && !name.startsWith('virbr'))
    return [
      {
        severity: 'warning',
        message: `bridge ${name} of the default network not checked (netfix reads virbr* only)`,
      },
    ];
  if (!bridge || bridge.flags === null)
    return [
      {
        severity: 'error',
        message: `bridge ${name} of libvirt's default network does not exist`,
        expected: `${name} up`,
        actual: 'missing',
      },
    ];
  // operstate is "down" on a bridge with no guest attached (no carrier); only IFF_UP says that
  // the network brought it up.
  if ((bridge.flags & 1) === 0)
    return [
      {
        severity: 'error',
        message: `bridge ${name} of libvirt's default network is down`,
        expected: 'up (IFF_UP)',
        actual: `flags 0x${bridge.flags.toString(16)}, operstate ${bridge.operstate ?? '?'}`,
      },
    ];
  return [];
}

/** Processes in D that belong to libvirtd's trouble: its descendants, and stuck module loads. */
export function stuckProblems(health: LibvirtHealth, severity: Problem['severity']): Problem[] {
  return health.stuck
    .filter((process) => isDescendantOf(process, 'libvirtd') || waitsOnModuleLoad(process))
    .map((process) => ({ severity, message: describeStuckProcess(process) }));
}

/** Everything wrong with a running libvirtd; `severity` of the network checks is the caller's. */
export function libvirtHealthProblems(health: LibvirtHealth, severity: Problem['severity']): Problem[] {
  const network = health.defaultNetwork ? networkProblems(health.defaultNetwork, health.bridges) : [];
  return [
    ...network.map((problem) => (problem.severity === 'error' ? { ...problem, severity } : problem)),
    ...stuckProblems(health, severity),
  ];
}
