// Secret values reach the hosts and nothing else: a variable named in --secret-vars (from -e, an
// inventory group and a host) and the values of a `no_log: true` task appear in no output and no
// report of a check run and an apply run, every file grepped; the hosts did get them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, startLab } from '../lab/index.js';
import { labFlags, labValue, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const DB_PASSWORD = 'Db-pass-7f3a9c';
const GROUP_TOKEN = 'tok-all-5521e0';
const HOST_TOKEN = 'tok-hv001-91ab2c';
const NO_LOG_VALUE = 'nolog-literal-c0ffee';
const secrets = [DB_PASSWORD, GROUP_TOKEN, HOST_TOKEN, NO_LOG_VALUE];

describe('secrets appear in no output and no report', () => {
  let lab: Lab;
  const work = scratchDir();
  const outputs: { name: string; text: string }[] = [];
  const playbook = writePlaybook(
    work,
    'secrets.yml',
    `- name: secrets stay secret
  hosts: all
  tasks:
    - name: "app config for {{ db_password }}"
      template:
        dest: /etc/netfix-app.conf
        content: "password={{ db_password }}\\ntoken={{ api_token }}\\n"
    - name: a file whose content is hidden
      no_log: true
      template:
        dest: /etc/netfix-hidden.conf
        content: "key=${NO_LOG_VALUE}\\n"
    - name: the token is accepted
      command:
        cmd: "echo 'rejected token {{ api_token }}' >&2; exit 3"
        changed_when: never
`,
  );
  const extraInventory = writePlaybook(
    work,
    'secrets-inventory.yml',
    `all:\n  vars:\n    api_token: ${GROUP_TOKEN}\n  hosts:\n    hv001:\n      api_token: ${HOST_TOKEN}\n`,
  );

  before(async () => {
    lab = await startLab({ hosts: 3 });
  });
  after(async () => {
    await lab?.stop();
  });

  const runWithReports = async (name: string, extra: string[]) => {
    const reports = ['json', 'jsonl', 'md', 'html', 'xml'].map((ext) => join(work, `${name}.${ext}`));
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      '-i',
      extraInventory,
      playbook,
      '-e',
      `db_password=${DB_PASSWORD}`,
      '--secret-vars',
      'db_password,api_token',
      '--diff',
      '-v',
      ...reports.flatMap((path) => ['--report', path]),
      ...extra,
    ]);
    outputs.push({ name: `${name} stdout`, text: run.stdout }, { name: `${name} stderr`, text: run.stderr });
    return run;
  };

  it('a check run and an apply run, with every report', async () => {
    const check = await runWithReports('check', ['--check']);
    assert.equal(check.exitCode, 2, check.stderr + check.stdout);
    const apply = await runWithReports('apply', []);
    assert.equal(apply.exitCode, 2, apply.stderr + apply.stdout);
    // The hosts got the real values.
    assert.equal(
      await labValue(lab, 'hv001', '/etc/netfix-app.conf'),
      `password=${DB_PASSWORD}\ntoken=${HOST_TOKEN}`,
    );
    assert.equal(
      await labValue(lab, 'hv002', '/etc/netfix-app.conf'),
      `password=${DB_PASSWORD}\ntoken=${GROUP_TOKEN}`,
    );
    assert.equal(await labValue(lab, 'hv003', '/etc/netfix-hidden.conf'), `key=${NO_LOG_VALUE}`);
    for (const format of ['html', 'md', 'xml']) {
      const again = await runNetfix(['report', join(work, 'apply.json'), '--format', format]);
      assert.equal(again.exitCode, 0, again.stderr);
      outputs.push({ name: `netfix report ${format}`, text: again.stdout + again.stderr });
    }
  });

  it('no secret appears in stdout, stderr or any report file', () => {
    for (const file of readdirSync(work).filter((name) => /^(check|apply)\./.test(name)))
      outputs.push({ name: file, text: readFileSync(join(work, file), 'utf8') });
    assert.equal(outputs.filter((output) => /\.(json|jsonl|md|html|xml)$/.test(output.name)).length, 10);
    for (const output of outputs)
      for (const secret of secrets)
        assert.ok(!output.text.includes(secret), `${output.name} contains ${secret}`);
  });

  it('the reports say what was hidden, so the test above is not vacuous', () => {
    const report = readFileSync(join(work, 'check.json'), 'utf8');
    assert.match(report, /"name": "app config for \*{8}"/);
    assert.match(report, /\+password=\*{8}\\n\+token=\*{8}\\n/);
    assert.match(report, /"summary": "\(hidden: no_log\)"/);
    assert.match(report, /rejected token \*{8}/);
    const applyOut = outputs.find((output) => output.name === 'apply stdout')?.text ?? '';
    assert.match(applyOut, /\+password=\*{8}/, 'the grouped --diff output is masked too');
  });

  it('a --secret-vars name that no host, play or -e defines is an input error', async () => {
    const run = await runNetfix([
      'apply',
      ...labFlags(lab),
      playbook,
      '-e',
      'db_password=x',
      '--secret-vars',
      'db_pasword',
    ]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.match(
      run.stderr,
      /--secret-vars: 'db_pasword' is not a variable of any selected host, play or -e/,
    );
  });
});
