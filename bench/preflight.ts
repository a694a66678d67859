// Does incident 3's playbook pass on this lab? It needs libvirtd and virsh in the simulated
// hosts. If it does not, the bench measures incidents 1 and 2 only and says why.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../src/engine/index.js';
import { startFleet } from './fleet.js';
import { writeBenchPlaybook } from './playbook.js';
import { type BenchContext, GateError } from './sample.js';
import { seedFleet } from './seed.js';
import { runNetfix } from './tools/netfix.js';
import { verifyHosts } from './verify-hosts.js';

export interface Preflight {
  passes: boolean;
  /** Why not, or the warnings netfix printed while passing. */
  notes: string[];
}

export async function checkIncident3(ctx: BenchContext): Promise<Preflight> {
  const fleet = await startFleet(2, 0, ctx.dir, ctx.cgroups, ctx.relays);
  const playbook = path.join(ctx.dir, 'incident3.yml');
  writeBenchPlaybook([3], playbook);
  // Not measured: no need to wait for a quiet machine.
  const only3: BenchContext = { ...ctx, incidents: [3], netfixPlaybook: playbook, quietWaitMs: 0 };
  try {
    await seedFleet(fleet.lab, [3]);
    await runNetfix(fleet, only3, 'first');
    const problems = await verifyHosts(fleet.lab, [3]);
    if (problems.length > 0) return { passes: false, notes: [`after netfix's first run: ${problems[0]}`] };
    await runNetfix(fleet, only3, 'second');
    return { passes: true, notes: warnings(path.join(ctx.dir, 'netfix-second.json')) };
  } catch (error) {
    if (!(error instanceof GateError)) throw error;
    return { passes: false, notes: [error.message.split('\n').slice(0, 3).join(' ')] };
  } finally {
    await fleet.stop();
  }
}

/** Distinct warnings of an idempotent run: what netfix could not check on this lab. */
function warnings(reportPath: string): string[] {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as RunResult;
  const messages = report.hosts.flatMap((h) =>
    h.tasks.flatMap((t) =>
      t.problems.filter((p) => p.severity === 'warning').map((p) => `${t.name}: ${p.message}`),
    ),
  );
  return [...new Set(messages)].map((m) => `incident 3 passes, with a warning on the lab: ${m}`);
}
