// The floor (bench/floor.ts, compiled): one connection, host key check, one `cat` per host.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Fleet } from '../fleet.js';
import type { FloorJob, FloorResult } from '../floor.js';
import { measureOnFleet, sampleOf } from '../run-on-fleet.js';
import { type BenchContext, GateError, type Sample } from '../sample.js';

export async function runFloor(fleet: Fleet, ctx: BenchContext, floorScript: string): Promise<Sample> {
  const job: FloorJob = {
    user: 'root',
    privateKeyPath: fleet.privateKeyPath,
    knownHostsPath: fleet.knownHostsPath,
    hosts: fleet.hosts,
  };
  const jobPath = path.join(ctx.dir, 'floor-job.json');
  writeFileSync(jobPath, JSON.stringify(job));
  const run = await measureOnFleet(fleet, ctx, 'floor', process.execPath, [floorScript, jobPath], {
    ...process.env,
    SSH_AUTH_SOCK: '',
  });
  let result: FloorResult;
  try {
    result = JSON.parse(run.stdout) as FloorResult;
  } catch {
    throw new GateError(`floor: exit ${run.exitCode}, no result: ${run.stderr.slice(-2000)}`);
  }
  // Each host must answer with its own name: the relay led to the right sshd.
  const wrong = result.hosts.filter((h) => h.error || h.output.trim() !== h.name);
  if (wrong.length > 0 || result.hosts.length !== fleet.hosts.length) {
    const first = wrong[0];
    throw new GateError(
      `floor: ${wrong.length} of ${fleet.hosts.length} hosts failed, e.g. ${first?.name}: ${first?.error ?? first?.output}`,
    );
  }
  return sampleOf(
    run,
    result.hosts.map((h) => h.execs),
  );
}
