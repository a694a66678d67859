// measure() plus what the fleet saw meanwhile: the lab's and the relays' CPU, connections per
// host from the relays, and the machine's busy time nobody in the bench accounts for.
import { readFileSync } from 'node:fs';
import type { Fleet } from './fleet.js';
import { log } from './log.js';
import { type Measured, measure } from './measure.js';
import { REPO } from './playbook.js';
import type { BenchContext, Sample } from './sample.js';

export type FleetMeasured = Measured &
  Pick<Sample, 'labCpuMs' | 'relayCpuMs' | 'otherCpuMs'> & {
    /** Per fleet host, in fleet order. */
    connects: number[];
  };

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Busy time of all CPUs since boot, from /proc/stat. */
function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // Not iowait (idle) nor steal (the hypervisor ran someone else: no CPU of this machine).
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields;
  return (user + nice + system + irq + softirq) * TICK_MS;
}

/** What every tool's sample reports the same way: times, memory, connects and execs per host. */
export function sampleOf(run: FleetMeasured, execs: number[] | null): Sample {
  const connects = meanAndMax(run.connects);
  const perHost = execs ? meanAndMax(execs) : null;
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    peakRssBytes: run.peakRssBytes,
    connectsPerHost: connects.mean,
    maxConnectsPerHost: connects.max,
    execsPerHost: perHost ? perHost.mean : null,
    maxExecsPerHost: perHost ? perHost.max : null,
    labCpuMs: run.labCpuMs,
    relayCpuMs: run.relayCpuMs,
    otherCpuMs: run.otherCpuMs,
  };
}

function selfCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Cores other work kept busy during the last second (the bench itself is idle while it waits). */
async function othersBusyCores(): Promise<number> {
  const before = machineBusyMs();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return (machineBusyMs() - before) / 1000;
}

/**
 * The machine may be shared (CI, other jobs): wait, up to `limitMs`, for a second in which other
 * work keeps less than a third of a core busy, so a measurement does not start inside a burst.
 * Returns how busy the machine still was when the wait ended.
 */
export async function waitForQuiet(limitMs: number): Promise<number> {
  const started = performance.now();
  let busy = await othersBusyCores();
  while (busy > 0.33 && performance.now() - started < limitMs) busy = await othersBusyCores();
  return busy;
}

export async function measureOnFleet(
  fleet: Fleet,
  ctx: BenchContext,
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<FleetMeasured> {
  const busy = await waitForQuiet(ctx.quietWaitMs);
  if (busy > 0.33) log(`  the machine is busy: other work uses ${busy.toFixed(1)} cores; measuring anyway`);
  await ctx.relays.takeConnects(); // zero the counts
  const before = {
    lab: fleet.labCgroup.cpuMs(),
    relay: ctx.relayCgroup.cpuMs(),
    busy: machineBusyMs(),
    self: selfCpuMs(),
  };
  const measured = await measure(command, args, {
    cgroups: ctx.cgroups,
    label,
    env,
    cwd: REPO,
    timeoutMs: ctx.timeoutMs,
  });
  // sshd ends a session's processes after the client closed: let the lab settle before reading.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const labCpuMs = fleet.labCgroup.cpuMs() - before.lab;
  const relayCpuMs = ctx.relayCgroup.cpuMs() - before.relay;
  const accounted = measured.cpuMs + labCpuMs + relayCpuMs + (selfCpuMs() - before.self);
  const otherCpuMs = Math.max(0, machineBusyMs() - before.busy - accounted);
  const connects = await ctx.relays.takeConnects();
  return { ...measured, labCpuMs, relayCpuMs, otherCpuMs, connects };
}

export function meanAndMax(values: number[]): { mean: number; max: number } {
  if (values.length === 0) return { mean: 0, max: 0 };
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values) };
}
