// What one measured run yields, and the context every tool runner gets.
import type { Cgroup, CgroupTree } from './cgroup.js';
import type { Relays } from './relays.js';
import type { Incident } from './seed.js';

export type Tool = 'netfix' | 'floor' | 'ansible' | 'mitogen';
/** check/first/second: netfix and Ansible; cat: the floor. */
export type Phase = 'check' | 'first' | 'second' | 'cat';

export interface Sample {
  wallMs: number;
  /** CPU of the tool's whole process tree (its cgroup), user + system. */
  cpuMs: number;
  peakRssBytes: number;
  /** TCP connections the relays accepted, per host: mean and worst host. */
  connectsPerHost: number;
  maxConnectsPerHost: number;
  /** Remote commands per host (SSH exec sessions): mean and worst host; null when not countable. */
  execsPerHost: number | null;
  maxExecsPerHost: number | null;
  /** netfix: SSH channel payload received per host (probe output and apply results), mean. */
  bytesReceivedPerHost?: number;
  /** netfix first run: hosts whose execs exceed 1 + tasks changed (the design's budget). */
  hostsOverExecBudget?: number;
  /** CPU the lab spent meanwhile: sshd, sessions, the simulated kernel's tools. */
  labCpuMs: number;
  /** CPU of the relay process meanwhile. */
  relayCpuMs: number;
  /** Busy CPU of the machine not accounted above (other work on the machine): noise. */
  otherCpuMs: number;
}

export interface BenchContext {
  cgroups: CgroupTree;
  relays: Relays;
  relayCgroup: Cgroup;
  /** Scratch directory of this bench run. */
  dir: string;
  incidents: Incident[];
  /** netfix's merged playbook (playbook.ts). */
  netfixPlaybook: string;
  timeoutMs: number;
  /** How long to wait for other work on the machine to calm down before each measurement. */
  quietWaitMs: number;
}

/** A result the bench must not report a time for: a host not fixed, a change on the second run. */
export class GateError extends Error {
  override name = 'GateError';
}
