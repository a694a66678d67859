// npm run bench: netfix against the floor and Ansible on a lab of real sshd hosts reached
// through delay relays. Prints a table and writes bench/results/<date>.json and .md.
// See bench/README.md for what is measured and how.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CgroupTree } from './cgroup.js';
import { compileFloor } from './compile-floor.js';
import { IncidentPlan } from './incidents.js';
import { log } from './log.js';
import { describeMachine } from './machine.js';
import { killRunning } from './measure.js';
import { STATIC_NOTES } from './notes.js';
import { type BenchOptions, parseOptions } from './options.js';
import { REPO } from './playbook.js';
import { Relays } from './relays.js';
import { renderMarkdown, table } from './report-md.js';
import type { BenchResults, Cell } from './results.js';
import type { BenchContext } from './sample.js';
import { ansibleRep, currentFleet, type MitogenState, netfixRep } from './schedule.js';
import { evaluateTargets } from './targets.js';

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const startedAt = new Date();
  if (!options.skipAnsible) {
    const deps = spawnSync('bash', [path.join(REPO, 'scripts', 'ensure-bench-deps.sh')], {
      stdio: 'inherit',
    });
    if (deps.status !== 0) return 1;
  }
  const machine = describeMachine();
  const cgroups = new CgroupTree();
  const relayCgroup = cgroups.create('relays');
  const relays = Relays.start(relayCgroup);
  const dir = mkdtempSync(path.join(tmpdir(), 'netfix-bench-'));
  const cleanup = async () => {
    killRunning();
    await currentFleet?.stop();
    await relays.stop();
    cgroups.remove();
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping the running command, the lab and the relays`);
      void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  // If the lab's own SIGINT handler exits first: nothing async runs any more, end what is ours.
  process.on('exit', () => {
    killRunning();
    cgroups.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const ctx: BenchContext = {
    cgroups,
    relays,
    relayCgroup,
    dir,
    // Per host count (incidents.ts): the preflight sets its own.
    incidents: [],
    netfixPlaybook: '',
    timeoutMs: options.timeoutSec * 1000,
    quietWaitMs: options.quietWaitSec * 1000,
  };
  const notes: string[] = [];
  const cells: Cell[] = [];
  const mitogen: MitogenState = { enabled: !options.skipAnsible && !options.skipMitogen, ran: false };
  if (options.skipAnsible) mitogen.reason = 'skipped (--skip-ansible)';
  else if (options.skipMitogen) mitogen.reason = 'skipped (--skip-mitogen)';
  let aborted: string | undefined;
  try {
    const floorScript = compileFloor();
    const plan = await IncidentPlan.choose(ctx, options, notes);
    for (const hosts of options.hosts)
      for (const delayMs of options.delays) {
        const set = plan.for(hosts);
        const pointCtx: BenchContext = { ...ctx, ...set };
        const point = { hosts, delayMs, incidents: set.incidents };
        const reps = hosts <= 50 ? options.reps : options.repsLarge;
        for (let rep = 1; rep <= reps; rep++) {
          log(`${hosts} hosts, ${delayMs} ms: netfix and floor, run ${rep}/${reps}`);
          await netfixRep(pointCtx, point, cells, floorScript);
        }
        if (
          options.skipAnsible ||
          !options.ansibleHosts.includes(hosts) ||
          !options.ansibleDelays.includes(delayMs)
        )
          continue;
        for (let rep = 1; rep <= options.ansibleReps; rep++) {
          log(`${hosts} hosts, ${delayMs} ms: Ansible, run ${rep}/${options.ansibleReps}`);
          await ansibleRep(pointCtx, point, cells, 'ansible', mitogen);
          if (!mitogen.enabled) continue;
          log(`${hosts} hosts, ${delayMs} ms: Ansible with Mitogen, run ${rep}/${options.ansibleReps}`);
          await ansibleRep(pointCtx, point, cells, 'mitogen', mitogen);
        }
      }
  } catch (error) {
    aborted = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`aborted: ${aborted}`);
  } finally {
    await cleanup();
  }

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    options,
    notes: [...notes, ...STATIC_NOTES, ...(aborted ? [`ABORTED: ${aborted.split('\n')[0]}`] : [])],
    mitogen: { ran: mitogen.ran, ...(mitogen.reason ? { reason: mitogen.reason } : {}) },
    cells,
    targets: evaluateTargets(cells),
  };
  const written = save(results, options);
  console.log(`\n${table(results)}\n`);
  for (const t of results.targets) console.log(`${t.status.padEnd(12)} ${t.name}: ${t.measured}`);
  console.log(`\nMitogen: ${mitogen.ran ? 'ran' : `did not run: ${mitogen.reason ?? 'not tried'}`}`);
  console.log(`results: ${written.join(', ')}`);
  const failed = cells.filter((c) => c.error && !c.error.startsWith('not run'));
  return aborted || failed.length > 0 ? 1 : 0;
}

/** bench/results/<date>.json and .md; with --readme, the table in README.md too. */
function save(results: BenchResults, options: BenchOptions): string[] {
  const outDir = path.resolve(REPO, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const stamp = results.startedAt.slice(0, 16).replace(':', '');
  const json = path.join(outDir, `${stamp}.json`);
  const md = path.join(outDir, `${stamp}.md`);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderMarkdown(results);
  writeFileSync(md, markdown);
  const written = [json, md];
  if (options.readme) {
    const readme = path.join(REPO, 'README.md');
    const text = readFileSync(readme, 'utf8');
    const marked = /(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/;
    if (marked.test(text)) {
      writeFileSync(readme, text.replace(marked, `$1${markdown.split('\n').slice(2).join('\n')}\n$2`));
      written.push(readme);
    } else log('--readme: README.md has no <!-- bench:start --> / <!-- bench:end --> markers; left alone');
  }
  return written;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
