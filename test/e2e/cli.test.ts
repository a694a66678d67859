// The command line as a user meets it: help on every command, version, completion, host
// patterns and schemas. No host is needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const exampleInventory = new URL('../../inventory.example.yml', import.meta.url).pathname;

describe('netfix CLI', () => {
  it('has --help on every command, with the exit codes', async () => {
    const root = await runNetfix(['--help']);
    assert.equal(root.exitCode, 0);
    assert.match(root.stdout, /3 {4}at least one host unreachable, and none failed/);
    for (const command of ['apply', 'validate', 'inventory', 'schema']) {
      const help = await runNetfix([command, '--help']);
      assert.equal(help.exitCode, 0, command);
      assert.match(help.stdout, new RegExp(`netfix ${command}`), command);
    }
    const apply = await runNetfix(['apply', '--help']);
    for (const flag of [
      '--inventory',
      '--check',
      '--limit',
      '--forks',
      '--timeout',
      '--connect-timeout',
      '--known-hosts',
      '--stats',
      '--report',
      '--extra-vars',
      '--verbose',
    ])
      assert.ok(apply.stdout.includes(flag), `apply --help lacks ${flag}`);
  });

  it('prints its version and a completion script', async () => {
    const version = await runNetfix(['--version']);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
    const completion = await runNetfix(['completion']);
    assert.match(completion.stdout, /_netfix_yargs_completions|complete -o/);
  });

  it('lists the hosts a pattern selects', async () => {
    const all = await runNetfix(['inventory', '-i', exampleInventory]);
    assert.equal(all.exitCode, 0, all.stderr);
    const some = await runNetfix(['inventory', '-i', exampleInventory, '--limit', 'dc1:!canary']);
    assert.equal(some.exitCode, 0, some.stderr);
    const names = (run: { stdout: string }) =>
      run.stdout
        .split('\n')
        .filter((line) => /^\S+ {2}/.test(line))
        .map((line) => line.split(' ')[0]);
    assert.ok(names(some).length > 0 && names(some).length < names(all).length);
    assert.ok(!names(some).includes('hv001.dc1'), 'canary hv001.dc1 excluded');
    const none = await runNetfix(['inventory', '-i', exampleInventory, '--limit', 'nosuchgroup']);
    assert.equal(none.exitCode, 1);
    assert.match(none.stderr, /nosuchgroup/);
  });

  it('prints JSON Schemas for playbooks, inventories and run results', async () => {
    for (const kind of ['playbook', 'inventory', 'run-result']) {
      const run = await runNetfix(['schema', kind]);
      assert.equal(run.exitCode, 0, kind);
      const schema = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.ok(schema.$schema || schema.type || schema.$defs, kind);
    }
    const playbook = JSON.parse((await runNetfix(['schema', 'playbook'])).stdout) as object;
    assert.match(JSON.stringify(playbook), /kernel_module/);
  });

  it('validates good input without contacting a host', async () => {
    const dir = scratchDir();
    const inventory = writePlaybook(
      dir,
      'inv.yml',
      'all:\n  hosts:\n    hv1: { ansible_host: 127.0.0.1, ansible_port: 1 }\n',
    );
    const playbook = new URL('../../playbooks/nf-conntrack.yml', import.meta.url).pathname;
    const run = await runNetfix(['validate', '-i', inventory, playbook]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /1 host\(s\), 2 task\(s\) rendered and valid/);
  });
});
