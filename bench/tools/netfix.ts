// netfix as a user runs it: the built binary, the merged incident playbook, a JSON report.
// Connects and execs per host come from the report (the transport counts them); the relays'
// count of TCP connections is checked against it.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../src/engine/index.js';
import type { Fleet } from '../fleet.js';
import { REPO } from '../playbook.js';
import { meanAndMax, measureOnFleet, sampleOf } from '../run-on-fleet.js';
import { type BenchContext, GateError, type Sample } from '../sample.js';
import { HASHSIZE } from '../verify-hosts.js';

export type NetfixPhase = 'check' | 'first' | 'second';

const NETFIX_BIN = path.join(REPO, 'bin', 'netfix.js');

/** Exit code and host status each phase must end with, or the bench reports no time. */
const EXPECTED: Record<NetfixPhase, { exitCode: number; hostStatus: string }> = {
  check: { exitCode: 4, hostStatus: 'changed' }, // would change: every host is seeded
  first: { exitCode: 0, hostStatus: 'changed' },
  second: { exitCode: 0, hostStatus: 'ok' },
};

export async function runNetfix(fleet: Fleet, ctx: BenchContext, phase: NetfixPhase): Promise<Sample> {
  const reportPath = path.join(ctx.dir, `netfix-${phase}.json`);
  rmSync(reportPath, { force: true });
  const args = [
    NETFIX_BIN,
    'apply',
    '-i',
    fleet.inventoryPath,
    '--known-hosts',
    fleet.knownHostsPath,
    ctx.netfixPlaybook,
    '-e',
    `conntrack_hashsize=${HASHSIZE}`,
    '--report',
    reportPath,
    // The lab's hosts share the controller's cores: with 500 hosts at once, a probe that takes
    // 0.4 s of CPU waits minutes for its turn, past netfix's 60 s command and 10 s connect
    // deadlines. Longer deadlines change nothing unless one would have been hit.
    '--timeout',
    '900',
    '--connect-timeout',
    '300',
    ...(phase === 'check' ? ['--check'] : []),
  ];
  const env = { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' };
  const run = await measureOnFleet(fleet, ctx, `netfix-${phase}`, process.execPath, args, env);
  const expected = EXPECTED[phase];
  const why = (problem: string) =>
    new GateError(`netfix ${phase}: ${problem}\n${run.stderr.slice(-2000) || run.stdout.slice(-2000)}`);
  if (run.timedOut) throw why(`timed out after ${ctx.timeoutMs / 1000} s`);
  let report: RunResult;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as RunResult;
  } catch {
    throw why(`exit ${run.exitCode} and no report`);
  }
  const wrong = report.hosts.filter(
    (h) => h.status !== expected.hostStatus || h.tasks.some((t) => t.status === 'failed'),
  );
  if (report.hosts.length !== fleet.hosts.length)
    throw why(`${report.hosts.length} hosts in the report, ${fleet.hosts.length} in the fleet`);
  if (wrong.length > 0) {
    const first = wrong[0]!;
    const task = first.tasks.find(
      (t) => t.status === 'failed' || (phase === 'second' && t.status === 'changed'),
    );
    const detail = task
      ? `task "${task.name}" ${task.status}: ${task.problems.map((p) => p.message).join('; ')}`
      : '';
    throw why(
      `${wrong.length} hosts not ${expected.hostStatus}, e.g. ${first.name} ${first.status} ${first.error ?? ''} ${detail}`,
    );
  }
  if (run.exitCode !== expected.exitCode) throw why(`exit ${run.exitCode}, expected ${expected.exitCode}`);
  const reportedConnects = report.hosts.reduce((sum, h) => sum + h.stats.connects, 0);
  const relayed = run.connects.reduce((a, b) => a + b, 0);
  if (reportedConnects !== relayed)
    throw why(`netfix counted ${reportedConnects} connections, the relays saw ${relayed}`);

  // The design's budget: one probe exec, plus one per task that changed (handlers included).
  const changedTasks = (h: RunResult['hosts'][number]) =>
    h.tasks.filter((t) => t.status === 'changed').length;
  const overBudget = report.hosts.filter((h) => h.stats.execs > 1 + changedTasks(h)).length;
  return {
    ...sampleOf(
      run,
      report.hosts.map((h) => h.stats.execs),
    ),
    bytesReceivedPerHost: meanAndMax(report.hosts.map((h) => h.stats.bytesReceived)).mean,
    ...(phase === 'first' ? { hostsOverExecBudget: overBudget } : {}),
  };
}
