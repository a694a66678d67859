// The reports a change review is done from, on a 50-host lab with incidents 1, 2 and 3 seeded:
// a check run writes all five formats and each validates (JSON Schema, JUnit XSD, a JSONL line
// per event); the HTML page is checked in headless Chromium (counts, filter, screenshot); a saved
// run re-renders without a host; and the apply that follows makes exactly the changes the check
// listed, compared task by task, file by file (the check's diff applied to the file before the
// run gives the file after it) and for runtime values.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { applyPatch } from 'diff';
import { chromium } from 'playwright-core';
import type { RunResult, TaskResult } from '../../src/engine/index.js';
import { type Lab, seedHosts, seedIncident1, seedIncident2, seedIncident3, startLab } from '../lab/index.js';
import { labFlags, netfixBin, readReport, runNetfix, scratchDir } from './netfix-cli.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
const playbooks = ['bridge-netfilter.yml', 'nf-conntrack.yml', 'libvirt-iptables-hang.yml'].map((name) =>
  join(repoRoot, 'playbooks', name),
);
const junitXsd = join(repoRoot, 'test/fixtures/reports/junit.xsd');
const artifacts = join(repoRoot, 'test-artifacts');
const HOSTS = 50;
/** Blocked by `install br_netfilter /bin/false`: its first task fails, in check mode too. */
const BLOCKED = 'hv049';
/** sshd stopped: unreachable. */
const DOWN = 'hv050';

type Snapshot = Record<string, string>;

describe(`reports of a ${HOSTS}-host check run, and the apply that follows it`, () => {
  let lab: Lab;
  const work = scratchDir();
  const check = {
    json: join(work, 'check.json'),
    jsonl: join(work, 'check.jsonl'),
    md: join(work, 'check.md'),
    html: join(work, 'check.html'),
    xml: join(work, 'check.xml'),
  };
  let checkResult: RunResult;
  let beforeRun: Map<string, Snapshot>;

  before(async () => {
    lab = await startLab({ hosts: HOSTS });
    for (const seed of [seedIncident1, seedIncident2, seedIncident3]) await seedHosts(lab, seed);
    const blocked = await lab.sh(
      BLOCKED,
      'echo "install br_netfilter /bin/false" > /etc/modprobe.d/local-block.conf',
    );
    assert.equal(blocked.exitCode, 0, blocked.stderr);
    await lab.stopHost(DOWN);
  });
  after(async () => {
    await lab?.stop();
  });

  const snapshots = async () =>
    new Map(
      await Promise.all(lab.hosts.map(async (host) => [host.name, await lab.snapshot(host.name)] as const)),
    );

  it('a check run writes JSON, JSONL, Markdown, HTML and JUnit, and changes nothing', async () => {
    beforeRun = await snapshots();
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      ...playbooks,
      '--check',
      '--diff',
      '--fail-on-change',
      ...Object.values(check).flatMap((path) => ['--report', path]),
    ]);
    assert.equal(run.exitCode, 2, `a task failed on ${BLOCKED}\n${run.stderr}${run.stdout}`);
    for (const path of Object.values(check))
      assert.match(run.stdout, new RegExp(`report written to ${path}`));
    assert.deepEqual(await snapshots(), beforeRun, 'a check run changed a host');

    checkResult = await readReport(check.json);
    const statuses = checkResult.hosts.map((host) => host.status);
    assert.deepEqual(
      [statuses.filter((s) => s === 'changed').length, statuses.filter((s) => s === 'failed').length],
      [HOSTS - 2, 1],
    );
    assert.equal(checkResult.hosts.find((host) => host.name === DOWN)?.status, 'unreachable');
    // The terminal groups identical changes too.
    assert.match(
      run.stdout,
      /^48 hosts \(hv001, .*, … \+40\): \d+ changes each, and \d+ tasks that may change$/m,
    );
  });

  it('the JSON report validates against schema/run-result.schema.json', () => {
    const schema = JSON.parse(
      readFileSync(join(repoRoot, 'schema/run-result.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    assert.ok(
      validate(JSON.parse(readFileSync(check.json, 'utf8'))),
      JSON.stringify(validate.errors?.slice(0, 5)),
    );
  });

  it('the JSONL stream has a header, every event, and the run end, one JSON object a line', () => {
    const text = readFileSync(check.jsonl, 'utf8');
    assert.ok(text.endsWith('\n'));
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; host?: string; task?: TaskResult });
    assert.equal(lines[0]?.type, 'run-start');
    assert.equal(lines.at(-1)?.type, 'run-end');
    const count = (type: string) => lines.filter((line) => line.type === type).length;
    assert.deepEqual([count('host-start'), count('host-done')], [HOSTS, HOSTS]);
    // Each host's end carries the report's host; its tasks were streamed one by one as they
    // finished (the tasks skipped after a failure only come with the host's end).
    for (const host of checkResult.hosts) {
      const done = lines.find((line) => line.type === 'host-done' && line.host === host.name) as
        | { result?: unknown }
        | undefined;
      assert.deepEqual(done?.result, host, host.name);
      const streamed = lines.filter((line) => line.type === 'task-done' && line.host === host.name);
      if (host.status === 'changed')
        assert.deepEqual(
          streamed.map((line) => line.task),
          host.tasks,
          host.name,
        );
    }
  });

  it('the JUnit report validates against the JUnit XSD: a suite per host, a case per task', () => {
    execFileSync('xmllint', ['--noout', '--schema', junitXsd, check.xml], { stdio: 'pipe' });
    const xml = readFileSync(check.xml, 'utf8');
    assert.equal((xml.match(/<testsuite /g) ?? []).length, HOSTS);
    const tasks = checkResult.hosts.flatMap((host) => host.tasks);
    const changing = tasks.filter((task) => task.status === 'would_change' || task.status === 'may_change');
    const failed = tasks.filter((task) => task.status === 'failed');
    // --fail-on-change: what would change is a failure; the unreachable host is an error.
    assert.match(
      xml,
      new RegExp(
        `<testsuites name="netfix check" tests="${tasks.length + 1}" failures="${changing.length + failed.length}" errors="1" `,
      ),
    );
  });

  it('the Markdown report lists the groups, the failure and every host', () => {
    const md = readFileSync(check.md, 'utf8');
    assert.match(
      md,
      /^\| 50 \| 0 \| 48 \| 1 \| 1 \| 0 \| \d+ \|$/m,
      'hosts, ok, would change, failed, unreachable, skipped, changes',
    );
    assert.match(md, /^### 48 hosts: the same \d+ changes, and \d+ tasks that may change$/m);
    assert.match(md, /^ {4}-blacklist nf_conntrack_ipv4$/m);
    assert.match(md, new RegExp(`^### 1 host: ${BLOCKED}$`, 'm'));
    assert.match(md, new RegExp(`^\\| ${DOWN} \\| unreachable \\|`, 'm'));
  });

  it('the HTML page shows the counts and filters hosts in Chromium; screenshot saved', async (t) => {
    const profile = mkdtempSync(join(tmpdir(), 'netfix-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 900 },
      offline: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith('file://')) requests.push(request.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`file://${check.html}`);
      const count = async (id: string) => (await page.getByTestId(id).textContent())?.trim();
      const changes = checkResult.hosts
        .flatMap((host) => host.tasks)
        .filter((task) => task.status === 'would_change' || task.status === 'may_change')
        .reduce((n, task) => n + task.changes.length, 0);
      assert.deepEqual(
        {
          hosts: await count('count-hosts'),
          ok: await count('count-ok'),
          changed: await count('count-changed'),
          failed: await count('count-failed'),
          unreachable: await count('count-unreachable'),
          changes: await count('count-changes'),
        },
        { hosts: '50', ok: '0', changed: '48', failed: '1', unreachable: '1', changes: String(changes) },
      );
      assert.equal(await page.locator('[data-testid="chart-status"] rect').count(), 4);
      assert.ok((await page.locator('[data-testid="chart-tasks"] rect').count()) >= 6);

      const visibleRows = () => page.locator('tbody[data-host]:visible tr.row').count();
      assert.equal(await visibleRows(), HOSTS);
      await page.getByTestId('host-filter').fill('hv01');
      assert.equal(await count('visible-hosts'), '10');
      assert.equal(await visibleRows(), 10);
      await page.getByTestId('host-filter').fill('failed');
      assert.equal(await visibleRows(), 1);
      await page.locator(`tbody[data-host="${BLOCKED}"] tr.row`).click();
      const detail = page.locator(`tbody[data-host="${BLOCKED}"] tr.detail`);
      assert.ok(await detail.isVisible());
      assert.match((await detail.textContent()) ?? '', /install br_netfilter \/bin\/false/);
      // A status card sets the filter.
      await page.locator('button.card.unreachable').click();
      assert.equal(await count('visible-hosts'), '1');
      assert.equal(await page.locator('tbody[data-host]:visible').getAttribute('data-host'), DOWN);
      await page.getByTestId('host-filter').fill('');
      assert.equal(await visibleRows(), HOSTS);

      mkdirSync(artifacts, { recursive: true });
      const screenshot = join(artifacts, `report-${HOSTS}-hosts.png`);
      await page.getByTestId('host-filter').fill('hv00');
      await page.locator('tbody[data-host="hv001"] tr.row').click();
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: screenshot, fullPage: true });
      t.diagnostic(`screenshot: ${screenshot}`);
      assert.deepEqual(errors, [], 'the page script threw');
      assert.deepEqual(requests, [], 'the page asked the network for something');
    } finally {
      await browser.close();
    }
  });

  it('netfix report re-renders the saved run, byte for byte, without a host', async () => {
    for (const format of ['html', 'md', 'xml'] as const) {
      const out = join(work, `again.${format}`);
      const args = ['report', check.json, '--format', format, '-o', out];
      if (format === 'xml') args.push('--fail-on-change');
      const run = await runNetfix(args);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.equal(readFileSync(out, 'utf8'), readFileSync(check[format], 'utf8'), format);
    }
    const toStdout = await runNetfix(['report', check.json, '-f', 'md']);
    assert.equal(toStdout.stdout, readFileSync(check.md, 'utf8'));
  });

  it('apply makes exactly the changes the check report listed, on every host', async () => {
    const applied = join(work, 'apply.json');
    const run = await runNetfix(['apply', ...labFlags(lab), ...playbooks, '--report', applied]);
    assert.equal(run.exitCode, 2, run.stderr + run.stdout);
    const result = await readReport(applied);
    const afterRun = await snapshots();
    for (const planned of checkResult.hosts) {
      const done = result.hosts.find((host) => host.name === planned.name)!;
      const where = planned.name;
      const why = done.tasks
        .filter((task) => task.status === 'failed')
        .map((task) => `${task.name}: ${task.problems.map((problem) => problem.message).join('; ')}`);
      assert.equal(done.status, planned.status, `${where}: ${done.error ?? ''} ${why.join(' | ')}`);
      assert.deepEqual(
        done.tasks.map((task) => task.name),
        planned.tasks.map((task) => task.name),
        where,
      );
      const filesChanged = new Set<string>();
      planned.tasks.forEach((plannedTask, index) => {
        const task = done.tasks[index]!;
        const at = `${where}: ${task.name}`;
        switch (plannedTask.status) {
          case 'would_change':
            assert.equal(task.status, 'changed', at);
            assert.deepEqual(task.changes, plannedTask.changes, at);
            break;
          case 'may_change':
            // Planned against facts an earlier change alters: the report said so, and said why.
            assert.ok(task.status === 'changed' || task.status === 'ok', at);
            if (plannedTask.changes.length > 0) assert.deepEqual(task.changes, plannedTask.changes, at);
            break;
          default:
            assert.equal(task.status, plannedTask.status, at);
            assert.deepEqual(task.changes, [], at);
        }
        for (const change of task.changes) if (change.file) filesChanged.add(change.file.path);
      });
      // On the host: each file the check showed a diff for is exactly that diff applied; no
      // other file in /etc changed, except files of tasks the check said may change.
      const before = beforeRun.get(where)!;
      const after = afterRun.get(where)!;
      const etcPaths = new Set(
        [...Object.keys(before), ...Object.keys(after)].filter((path) => path.startsWith('/etc/')),
      );
      const differing = [...etcPaths].filter(
        (path) => before[path] !== after[path] && !after[path]?.startsWith('dir:'),
      );
      assert.deepEqual(differing.sort(), [...filesChanged].sort(), `${where}: files changed on the host`);
      for (const task of planned.tasks)
        for (const change of task.status === 'would_change' ? task.changes : [])
          if (change.file) {
            const patched = applyPatch(contentOf(before[change.file.path]), change.file.diff);
            assert.equal(patched, contentOf(after[change.file.path]), `${where}: ${change.file.path}`);
          }
      // Runtime changes the check listed hold on the host now.
      for (const task of planned.tasks)
        for (const change of task.status === 'would_change' ? task.changes : [])
          if (change.runtime?.key.startsWith('module '))
            assert.equal(
              contentOf(after[`/sys/module/${change.runtime.key.slice('module '.length)}/initstate`]),
              'live\n',
              `${where}: ${change.runtime.key}`,
            );
    }
    assert.deepEqual(afterRun.get(BLOCKED), beforeRun.get(BLOCKED), 'the failed host was not touched');
    assert.deepEqual(afterRun.get(DOWN), beforeRun.get(DOWN), 'the unreachable host was not touched');
  });

  it('a killed run leaves a JSONL file of whole lines, up to the last event', async () => {
    await seedIncident1(lab, 'hv001');
    await lab.hangModprobe('hv001');
    const stream = join(work, 'killed.jsonl');
    const child = spawn(
      process.execPath,
      [netfixBin, 'apply', ...labFlags(lab), playbooks[0]!, '--limit', 'hv00*', '--report', stream],
      { stdio: 'ignore' },
    );
    try {
      // The other hosts are fixed already and finish at once; hv001 hangs in modprobe.
      const deadline = Date.now() + 60_000;
      while (
        !(existsSync(stream) && readFileSync(stream, 'utf8').includes('"type":"host-done","host":"hv009"'))
      )
        if (Date.now() > deadline) assert.fail(`no host-done for hv009 in ${stream}`);
        else await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await lab.releaseModprobe('hv001');
    }
    const text = readFileSync(stream, 'utf8');
    assert.ok(text.endsWith('\n'), 'the last line is whole');
    const types = text
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    assert.equal(types[0], 'run-start');
    assert.ok(types.includes('host-done'));
    assert.ok(!types.includes('run-end'), 'the run did not end');
  });
});

/** The content of a `file:<mode>:<content>` snapshot entry; '' for a file that does not exist. */
function contentOf(entry: string | undefined): string {
  if (!entry?.startsWith('file:')) return '';
  return entry.slice(entry.indexOf(':', 'file:'.length) + 1);
}
