import { raw, type Sh } from '../../shell/index.js';
import { type BootBackend, type BootListing, bootListings, bootListsProbe } from '../shared/boot-modules.js';
import type { ProbeRecords } from '../shared/probe-records.js';

// Some keys exist only while a module is loaded (incident 1: /proc/sys/net/bridge appears with
// br_netfilter). Such a key set in sysctl.d survives a reboot only if the module is loaded before
// the boot's sysctl step, which every init system here does for the modules it loads at boot.

interface ProviderRule {
  /** Dotted key prefix. */
  prefix: string;
  /**
   * Modules that create the keys, preferred first. Before Linux 3.18 the bridge module itself
   * carried the netfilter hooks; a loaded `bridge` with no br_netfilter is such a kernel.
   */
  modules: string[];
}

const providerRules: ProviderRule[] = [
  { prefix: 'net.bridge.', modules: ['br_netfilter', 'bridge'] },
  { prefix: 'net.netfilter.nf_conntrack_', modules: ['nf_conntrack'] },
  { prefix: 'net.nf_conntrack_max', modules: ['nf_conntrack'] },
];

/** The modules that may provide a key (dotted form), or [] when none is known. */
export function providerCandidates(dottedKey: string): string[] {
  return providerRules.find((rule) => dottedKey.startsWith(rule.prefix))?.modules ?? [];
}

export type ModuleState = 'loaded' | 'builtin' | 'absent';

export interface ProviderFacts {
  module: string;
  /** Every candidate module, for messages ("br_netfilter (bridge before Linux 3.18)"). */
  candidates: string[];
  state: ModuleState;
  /** Where the module is listed to load at boot on this host's backend; [] = not persistent. */
  bootListings: BootListing[];
}

/**
 * The module state and every file that can list a module for boot. Module names come from the
 * constant table above, never from input; globs stay unquoted so the shell expands them. The
 * sysconfig scripts are read (and stat'ed, one fork) only where that directory exists.
 */
export function providerProbe(candidates: string[]): Sh {
  const modules = candidates.map((module) => `/sys/module/${module}`);
  return raw(`nf_exists ${modules.join(' ')}
nf_file ${modules.map((dir) => `${dir}/initstate`).join(' ')}
${bootListsProbe.text}`);
}

function moduleState(records: ProbeRecords, module: string): ModuleState {
  const initstate = records.files.get(`/sys/module/${module}/initstate`)?.content?.trim();
  if (initstate === 'live' || initstate === 'coming') return 'loaded';
  // A built-in module has a /sys/module entry (when it has parameters) but no initstate.
  return records.existing.has(`/sys/module/${module}`) ? 'builtin' : 'absent';
}

/**
 * The module that provides the key on this host. A missing key needs the first candidate (what a
 * current kernel loads: a hypervisor always has `bridge` loaded, and that does not make
 * /proc/sys/net/bridge appear since 3.18). An existing key comes from the first candidate that is
 * loaded or built in; with none of them in /sys/module, the code is built into the kernel.
 */
export function parseProvider(
  records: ProbeRecords,
  backend: BootBackend,
  candidates: string[],
  keyExists: boolean,
): ProviderFacts | null {
  const first = candidates[0];
  if (first === undefined) return null;
  const present = keyExists ? candidates.find((module) => moduleState(records, module) !== 'absent') : first;
  const module = present ?? first;
  const state: ModuleState = present ? moduleState(records, present) : 'builtin';
  return { module, candidates, state, bootListings: bootListings(records, backend, module) };
}
