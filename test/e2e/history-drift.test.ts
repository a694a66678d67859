// Done-criterion 2 of issue 8: drift seeded on 5 of 20 lab hosts between two scheduled runs.
// `history --drift` lists exactly those 5, with the settings that drifted and when, and whether
// the fix held; the HTML timeline shows them; the check-only schedule changed nothing and paged.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DriftEvent } from '../../src/history/index.js';
import { type Lab, seedHosts, seedIncident1, startLab } from '../lab/index.js';
import { runNetfix, scratchDir } from './netfix-cli.js';

const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;
const IPTABLES_TASK = 'bridged IPv4 traffic bypasses iptables';
const MODULE_TASK = 'br_netfilter is loaded and loads at boot';

describe('history: drift on 5 of 20 hosts', () => {
  let lab: Lab;
  const work = scratchDir();
  const state = join(work, 'state');
  const crontab = join(work, 'crontab');
  const paged = join(work, 'paged.json');
  let drifted: { live: string[]; boot: string[] };
  before(async () => {
    lab = await startLab({ hosts: 20 });
    await seedHosts(lab, seedIncident1);
    const names = lab.hosts.map((host) => host.name);
    drifted = { live: [names[2]!, names[7]!, names[11]!], boot: [names[15]!, names[19]!] };
  });
  after(async () => {
    await lab?.stop();
  });
  const schedule = (...args: string[]) => runNetfix(['schedule', ...args]);
  const run = async (name: string, expected: number) => {
    const result = await schedule('run', name, '--state-dir', state);
    assert.equal(result.exitCode, expected, result.stderr + result.stdout);
    assert.match(result.stdout, /history: run \S+ recorded/);
    return result;
  };

  it('two schedules over the fleet: one fixes, one only checks and pages on drift', async () => {
    const common = [
      '-i',
      lab.inventoryPath,
      '--known-hosts',
      lab.knownHostsPath,
      '--state-dir',
      state,
      '--crontab-file',
      crontab,
    ];
    const fleet = await schedule('add', 'fleet', playbook, ...common, '--cron', '30 2 * * *');
    assert.equal(fleet.exitCode, 0, fleet.stderr);
    const watch = await schedule(
      'add',
      'watch',
      playbook,
      ...common,
      '--every',
      '1h',
      '--check-only',
      '--on-drift',
      `cat > ${paged}`,
    );
    assert.equal(watch.exitCode, 0, watch.stderr);
    // The first run fixes incident 1 everywhere: first sight, not drift. The next ones find all in place.
    await run('fleet', 0);
    await run('fleet', 0);
    await run('watch', 0);
    assert.ok(!existsSync(paged), 'on-drift ran without drift');
  });

  it('drift seeded on 5 hosts: the check-only run finds it, changes nothing, and pages with the summary', async () => {
    for (const host of drifted.live) {
      const r = await lab.sh(host, 'echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables');
      assert.equal(r.exitCode, 0, r.stderr);
    }
    for (const host of drifted.boot) {
      const r = await lab.sh(host, 'rm /etc/modules-load.d/br_netfilter.conf');
      assert.equal(r.exitCode, 0, r.stderr);
    }
    const all = [...drifted.live, ...drifted.boot];
    const before = await Promise.all(all.map((host) => lab.snapshot(host)));
    const check = await run('watch', 4);
    assert.match(check.stdout, /on-drift: 5 hosts drifted; 'cat > .*' exited 0/);
    assert.deepEqual(
      await Promise.all(all.map((host) => lab.snapshot(host))),
      before,
      'a check-only run changed a host',
    );
    const summary = JSON.parse(readFileSync(paged, 'utf8')) as {
      schedule: string;
      driftedHosts: number;
      hosts: { name: string; tasks: { task: string; changes: string[] }[] }[];
    };
    assert.equal(summary.schedule, 'watch');
    assert.deepEqual(summary.hosts.map((host) => host.name).sort(), [...all].sort());
    for (const host of summary.hosts)
      assert.deepEqual(
        host.tasks.map((task) => task.task),
        drifted.live.includes(host.name) ? [IPTABLES_TASK] : [MODULE_TASK],
        host.name,
      );
  });

  it('the next fleet run fixes them, and the one after finds every fix held', async () => {
    const fix = await run('fleet', 0);
    assert.match(fix.stdout, /changed=1/);
    await run('fleet', 0);
  });

  it('history --drift lists exactly those 5 hosts, the settings that drifted, when, and that the fix held', async () => {
    const text = await runNetfix(['history', '--drift', '--state-dir', state, '--since', '1d']);
    assert.equal(text.exitCode, 0, text.stderr);
    const hostLines = text.stdout.split('\n').filter((line) => /^hv\d+$/.test(line));
    const all = [...drifted.live, ...drifted.boot].sort();
    assert.deepEqual(hostLines, all, text.stdout);
    assert.match(text.stdout, new RegExp(`^5 hosts drifted \\(5 settings\\): ${all.join(', ')}$`, 'm'));
    assert.match(text.stdout, /drifted between \S+ \S+ and \S+ \S+ \(found by check run \w+\)/);
    assert.match(text.stdout, /~ set net\.bridge\.bridge-nf-call-iptables live: 1 -> 0/);
    assert.match(text.stdout, /fix held \(in place at /);

    const json = await runNetfix(['history', '--drift', '--json', '--state-dir', state]);
    const events = (JSON.parse(json.stdout) as { drift: DriftEvent[] }).drift;
    assert.deepEqual(
      events.map((event) => [event.host, event.task]),
      all.map((host) => [host, drifted.live.includes(host) ? IPTABLES_TASK : MODULE_TASK]),
    );
    for (const event of events) {
      assert.equal(event.foundMode, 'check');
      assert.ok(
        event.lastInPlaceAt < event.foundAt && event.fix && event.fix.at > event.foundAt,
        JSON.stringify(event),
      );
      assert.equal(event.held, 'yes');
    }
    const one = await runNetfix(['history', '--drift', '--state-dir', state, '--host', drifted.boot[0]!]);
    assert.deepEqual(
      one.stdout.split('\n').filter((line) => /^hv\d+$/.test(line)),
      [drifted.boot[0]],
    );
  });

  it('history --html writes a self-contained page whose timelines show those 5 hosts drifted', async () => {
    const page = join(work, 'history.html');
    const result = await runNetfix(['history', '--state-dir', state, '--html', page]);
    assert.equal(result.exitCode, 0, result.stderr);
    const html = readFileSync(page, 'utf8');
    assert.doesNotMatch(html, /<script|src="http|href="http/);
    const rows = [...html.matchAll(/<tr class="drift-row" data-host="([^"]+)">/g)].map((m) => m[1]);
    const all = [...drifted.live, ...drifted.boot].sort();
    assert.deepEqual(rows, all);
    const timelines = [...html.matchAll(/<svg [^>]*class="timeline" data-host="([^"]+)"[\s\S]*?<\/svg>/g)];
    assert.equal(timelines.length, 20);
    const withBands = timelines
      .filter((m) => m[0].includes('<rect class="drift"'))
      .map((m) => m[1])
      .sort();
    assert.deepEqual(withBands, all);
    // One dot per run per task: 6 runs recorded for every host (4 fleet, 2 watch), 4 tasks each.
    const first = timelines.find((m) => m[1] === all[0])![0];
    assert.equal([...first.matchAll(/<circle /g)].length, 6 * 4);
  });
});
