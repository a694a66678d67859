// Bad input exits 1 naming file:line:col for every error at once, and no host is contacted:
// the inventory points at a listener that counts connections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectionCounter, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

describe('input errors', () => {
  let counter: Awaited<ReturnType<typeof connectionCounter>>;
  let inventory: string;
  const work = scratchDir();
  before(async () => {
    counter = await connectionCounter();
    const port = counter.port;
    inventory = writePlaybook(
      work,
      'inventory.yml',
      `all:\n  children:\n    hypervisors:\n      hosts:\n        hv1: { ansible_host: 127.0.0.1, ansible_port: ${port} }\n        hv2: { ansible_host: 127.0.0.1, ansible_port: ${port} }\n`,
    );
  });
  after(() => counter.close());

  it('reports an unknown module, a misspelled param, an undefined var and a bad module name at once', async () => {
    const playbook = writePlaybook(
      work,
      'bad.yml',
      `- name: four mistakes
  hosts: all
  tasks:
    - name: unknown module
      kernel_modul:
        name: br_netfilter
    - name: misspelled param
      kernel_module:
        name: br_netfilter
        persistant: true
    - name: undefined variable
      kernel_module:
        name: "{{ module_name }}"
    - name: bad module name
      kernel_module:
        name: "br_netfilter; reboot"
`,
    );
    for (const command of ['apply', 'validate']) {
      const run = await runNetfix([command, '-i', inventory, playbook]);
      assert.equal(run.exitCode, 1, run.stdout + run.stderr);
      const lines = run.stderr.split('\n');
      const expected = [
        [`${playbook}:5:7`, /unknown module 'kernel_modul' \(did you mean 'kernel_module'\?\)/],
        [`${playbook}:10:9`, /unknown field 'persistant' \(did you mean 'persistent'\?\)/],
        [`${playbook}:13:15`, /undefined variable 'module_name'/],
        [`${playbook}:16:15`, /kernel_module\.name: must be a kernel module name/],
      ] as const;
      for (const [where, message] of expected)
        assert.ok(
          lines.some((line) => line.startsWith(where) && message.test(line)),
          `${command}: no "${where} ${message}" in\n${run.stderr}`,
        );
      assert.match(run.stderr, /4 input errors; no host was contacted/);
    }
    assert.equal(counter.count(), 0, 'a host was contacted');
  });

  it('reports inventory errors with their position and contacts nothing', async () => {
    const badInventory = writePlaybook(
      work,
      'bad-inventory.yml',
      'all:\n  children:\n    kvm:\n      host:\n        hv1: {}\n',
    );
    const playbook = new URL('../../playbooks/bridge-netfilter.yml', import.meta.url).pathname;
    const run = await runNetfix(['apply', '-i', badInventory, playbook]);
    assert.equal(run.exitCode, 1);
    assert.match(run.stderr, new RegExp(`${badInventory}:4:7: .*did you mean 'hosts'`));
    assert.equal(counter.count(), 0);
  });

  it('a usage error exits 1 with help', async () => {
    const run = await runNetfix(['apply', '--no-such-flag', 'x.yml', '-i', inventory]);
    assert.equal(run.exitCode, 1);
    assert.match(run.stderr, /Unknown argument/);
  });
});
