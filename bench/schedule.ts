// One (hosts, delay) point of the bench: netfix (--check, first, idempotent) and the floor on a
// fresh seeded lab per repetition; then Ansible and Ansible+Mitogen, each on a fresh seeded lab.
// Every run must pass its checks (gates) before its time is recorded.
import { AnsibleDidNotRun, type AnsibleVariant, runAnsible } from './ansible/run-ansible.js';
import { type Fleet, startFleet } from './fleet.js';
import { log } from './log.js';
import { type Cell, findCell } from './results.js';
import { type BenchContext, GateError, type Phase, type Sample, type Tool } from './sample.js';
import { type Incident, seedFleet } from './seed.js';
import { runFloor } from './tools/floor.js';
import { runNetfix } from './tools/netfix.js';
import { verifyHosts } from './verify-hosts.js';

export interface Point {
  hosts: number;
  delayMs: number;
  incidents: Incident[];
}

export interface MitogenState {
  enabled: boolean;
  ran: boolean;
  reason?: string;
}

/** The fleet that is up now, for SIGINT to stop. */
export let currentFleet: Fleet | undefined;

function cellOf(cells: Cell[], point: Point, tool: Tool, phase: Phase): Cell {
  let cell = findCell(cells, point.hosts, point.delayMs, tool, phase);
  if (!cell) {
    cell = {
      hosts: point.hosts,
      delayMs: point.delayMs,
      incidents: point.incidents,
      tool,
      phase,
      samples: [],
    };
    cells.push(cell);
  }
  return cell;
}

/** Runs and records one measurement; false when its checks failed (recorded as the cell's error). */
async function attempt(
  cells: Cell[],
  point: Point,
  tool: Tool,
  phase: Phase,
  run: () => Promise<Sample>,
): Promise<boolean> {
  const cell = cellOf(cells, point, tool, phase);
  try {
    const sample = await run();
    cell.samples.push(sample);
    const execs = sample.execsPerHost === null ? '' : `, ${sample.execsPerHost.toFixed(1)} execs/host`;
    const bytes =
      sample.bytesReceivedPerHost === undefined
        ? ''
        : `, ${(sample.bytesReceivedPerHost / 1024).toFixed(0)} KiB/host received`;
    const s = (ms: number) => (ms / 1000).toFixed(2);
    log(
      `  ${tool} ${phase}: ${s(sample.wallMs)} s; CPU ${s(sample.cpuMs)} s, lab ${s(sample.labCpuMs)} s, ` +
        `other ${s(sample.otherCpuMs)} s; ${sample.connectsPerHost.toFixed(1)} connects/host${execs}${bytes}`,
    );
    return true;
  } catch (error) {
    if (!(error instanceof GateError)) throw error;
    cell.error ??= error.message;
    log(`  ${tool} ${phase}: FAILED ${error.message}`);
    return false;
  }
}

async function withFleet<T>(ctx: BenchContext, point: Point, body: (fleet: Fleet) => Promise<T>): Promise<T> {
  const started = performance.now();
  const fleet = await startFleet(point.hosts, point.delayMs, ctx.dir, ctx.cgroups, ctx.relays);
  currentFleet = fleet;
  try {
    const up = performance.now();
    await seedFleet(fleet.lab, ctx.incidents);
    const secs = (ms: number) => (ms / 1000).toFixed(1);
    log(`  lab up in ${secs(up - started)} s, seeded in ${secs(performance.now() - up)} s`);
    return await body(fleet);
  } finally {
    currentFleet = undefined;
    await fleet.stop();
  }
}

/** The tool's own report is not enough: the bench looks at the hosts (verify-hosts.ts). */
async function fixed(fleet: Fleet, ctx: BenchContext, sample: Sample): Promise<Sample> {
  const problems = await verifyHosts(fleet.lab, ctx.incidents);
  if (problems.length > 0)
    throw new GateError(`${problems.length} problems left on the hosts, e.g. ${problems[0]}`);
  return sample;
}

export async function netfixRep(
  ctx: BenchContext,
  point: Point,
  cells: Cell[],
  floorScript: string,
): Promise<void> {
  await withFleet(ctx, point, async (fleet) => {
    await attempt(cells, point, 'netfix', 'check', () => runNetfix(fleet, ctx, 'check'));
    const first = await attempt(cells, point, 'netfix', 'first', async () =>
      fixed(fleet, ctx, await runNetfix(fleet, ctx, 'first')),
    );
    if (first) await attempt(cells, point, 'netfix', 'second', () => runNetfix(fleet, ctx, 'second'));
    else cellOf(cells, point, 'netfix', 'second').error ??= 'not run: the first run failed';
    await attempt(cells, point, 'floor', 'cat', () => runFloor(fleet, ctx, floorScript));
  });
}

export async function ansibleRep(
  ctx: BenchContext,
  point: Point,
  cells: Cell[],
  variant: AnsibleVariant,
  mitogen: MitogenState,
): Promise<void> {
  await withFleet(ctx, point, async (fleet) => {
    try {
      const first = await attempt(cells, point, variant, 'first', async () =>
        fixed(fleet, ctx, await runAnsible(fleet, ctx, variant, 'first')),
      );
      if (first)
        await attempt(cells, point, variant, 'second', () => runAnsible(fleet, ctx, variant, 'second'));
      else cellOf(cells, point, variant, 'second').error ??= 'not run: the first run failed';
      if (variant === 'mitogen') mitogen.ran = true;
    } catch (error) {
      if (!(error instanceof AnsibleDidNotRun)) throw error;
      log(`  ${variant}: did not run: ${error.message}`);
      if (variant === 'mitogen') {
        // Mitogen refusing this ansible-core is a finding, not a failed run: say why, stop trying.
        mitogen.enabled = false;
        mitogen.reason = error.message;
        cells.splice(0, cells.length, ...cells.filter((c) => c.tool !== 'mitogen'));
      } else cellOf(cells, point, variant, 'first').error ??= error.message;
    }
  });
}
