// Markdown and HTML come from handlebars templates: escaped for their format, strict about
// fields, replaceable, and fast enough for 500 hosts.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareReportFiles, reportRenderer } from '../../../src/report/index.js';
import { fleet, host, run, task } from './results.js';

const scratch = mkdtempSync(join(tmpdir(), 'netfix-templates-'));

test('Markdown: counts, grouped changes with diffs, failures with expected vs actual', () => {
  const md = reportRenderer('md')(fleet('check', 50));
  assert.match(md, /^# netfix check: 50 hosts, 2026-01-02T03:04:05.000Z$/m);
  assert.match(
    md,
    /^\| 50 \| 0 \| 48 \| 1 \| 1 \| 0 \| 101 \|$/m,
    'hosts, ok, would change, failed, unreachable, skipped, changes',
  );
  assert.match(md, /^### 44 hosts: the same 2 changes$/m);
  assert.match(
    md,
    /^ {4}```diff\n {4}--- \/dev\/null\n {4}\+\+\+ \/etc\/modules-load.d\/br_netfilter.conf\n/m,
  );
  assert.match(md, /^ {4}- `module br_netfilter`: `not loaded` → `loaded`$/m);
  // A pipe is escaped in text (it would split a table cell), kept as it is in code spans.
  assert.match(md, /^- \*\*conntrack \\\| hashsize\*\*/m);
  assert.match(md, /^ {4}- actual: `1 \| "one" & <b>`$/m);
  assert.match(
    md,
    /^\| hv049 \| failed \| 1 \| 1 \| 1 \| 0 \| 40 ms \| task "bridged traffic bypasses &lt;iptables>" failed \|$/m,
  );
});

test('HTML: every value escaped, counts in stable test ids, one file with no network', () => {
  const html = reportRenderer('html')(fleet('check', 50));
  assert.match(html, /data-testid="count-hosts">50</);
  assert.match(html, /data-testid="count-changed">48</);
  assert.match(html, /data-testid="count-failed">1</);
  assert.match(html, /data-testid="count-unreachable">1</);
  assert.match(html, /bridged traffic bypasses &lt;iptables&gt;/);
  assert.doesNotMatch(html, /<iptables>|<b>/, 'no value is inserted unescaped');
  assert.match(html, /<span class="add">\+br_netfilter<\/span>/);
  assert.match(
    html,
    /<th>expected<\/th><td>0<\/td><\/tr><tr><th>actual<\/th><td>1 \| &quot;one&quot; &amp; &lt;b&gt;<\/td>/,
  );
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing is loaded from the network');
  assert.doesNotMatch(html, /<link |@import/);
});

test('500 hosts render in well under a second per format', () => {
  const big = fleet('check', 500);
  for (const format of ['html', 'md', 'xml', 'json'] as const) {
    const render = reportRenderer(format);
    const started = performance.now();
    const text = render(big);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1500, `${format}: ${elapsed.toFixed(0)} ms`);
    assert.ok(text.length < 8_000_000, `${format}: ${text.length} bytes`);
  }
});

test('--report-template replaces a built-in template; a misspelt field fails before the run', () => {
  const good = join(scratch, 'mine.md.hbs');
  writeFileSync(good, '{{counts.hosts}} hosts{{#each hosts}} {{name}}:{{statusText}}{{/each}}\n');
  const { files, problems } = prepareReportFiles({
    paths: ['out.md'],
    templatePaths: [good],
    failOnChange: false,
  });
  assert.deepEqual(problems, []);
  assert.equal(files[0]!.render!(run('apply', [host('a'), host('b')])), '2 hosts a:ok b:ok\n');

  const misspelt = join(scratch, 'bad.html.hbs');
  writeFileSync(misspelt, '<p>{{counts.hostz}}</p>');
  const broken = join(scratch, 'broken.md.hbs');
  writeFileSync(broken, '{{#each hosts}}');
  const unnamed = join(scratch, 'report.hbs');
  writeFileSync(unnamed, '');
  const checked = prepareReportFiles({
    paths: ['a.html', 'b.md', 'c.pdf'],
    templatePaths: [misspelt, broken, unnamed],
    failOnChange: false,
  });
  assert.deepEqual(
    checked.problems.map((problem) => problem.message.replace(scratch, 'DIR')),
    [
      "'DIR/report.hbs': name it NAME.html.hbs or NAME.md.hbs",
      "'c.pdf': the extension names the format: .json (run result), .jsonl (events as they happen), .md, .html, .xml (JUnit)",
      'DIR/bad.html.hbs: "hostz" not defined in [object Object] - 1:5',
      'DIR/broken.md.hbs: Parse error on line 1:',
    ],
  );
});

test('a no_log placeholder and a masked secret render as plain text', () => {
  const hidden = run('check', [
    host('hv001', {
      status: 'changed',
      tasks: [
        task({
          status: 'would_change',
          changes: [{ summary: '(hidden: no_log)' }, { summary: 'pass=********' }],
        }),
      ],
    }),
  ]);
  assert.match(reportRenderer('html')(hidden), /<li>\(hidden: no_log\)<\/li><li>pass&#x3D;\*{8}<\/li>/);
  assert.match(reportRenderer('md')(hidden), /^ {2}- \(hidden: no_log\)\n {2}- pass=\*\*\*\*\*\*\*\*$/m);
});
