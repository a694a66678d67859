// The hostile-input corpus (test/fixtures/hostile, README there): every case goes through
// `netfix validate` and `netfix apply` as a user would run them, and must exit 1 with exactly the
// expected problems (file:line:col, field, message) and contact no host. Huge and binary inputs
// are generated here instead of being kept in git.
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectionCounter, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const corpusDir = 'test/fixtures/hostile';
const repoRoot = new URL('../../', import.meta.url).pathname;
const defaultPlaybook = `${corpusDir}/_default/playbook.yml`;

interface Case {
  name: string;
  inventory?: string;
  playbook: string;
  args: string[];
  /** Exact stderr lines before the summary line. */
  expected: string[];
}

function corpusCases(): Case[] {
  return readdirSync(join(repoRoot, corpusDir))
    .filter((name) => /^\d\d-/.test(name))
    .sort()
    .map((name) => {
      const dir = `${corpusDir}/${name}`;
      const has = (file: string) => existsSync(join(repoRoot, dir, file));
      const read = (file: string) => readFileSync(join(repoRoot, dir, file), 'utf8');
      const lines = (file: string) =>
        read(file)
          .split('\n')
          .filter((line) => line !== '');
      // Expected lines name files as `playbook.yml`; the CLI prints the path it was given.
      const expected = lines('expected').map((line) =>
        line.replace(/^(inventory|playbook)\.yml:/, `${dir}/$1.yml:`),
      );
      return {
        name,
        ...(has('inventory.yml') ? { inventory: `${dir}/inventory.yml` } : {}),
        playbook: has('playbook.yml') ? `${dir}/playbook.yml` : defaultPlaybook,
        args: has('args') ? lines('args') : [],
        expected,
      };
    });
}

/** Writes `size` bytes in chunks: the point is the size, not holding it in this process. */
function writeBig(path: string, head: string, line: string, size: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    const chunk = line.repeat(Math.ceil((1 << 20) / line.length));
    for (let written = head.length; written < size; written += chunk.length) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

const sizeLimit =
  'file is larger than 4 MiB, the limit for an inventory or playbook: split it, or check that it is the file you meant';

describe('hostile input corpus', () => {
  let counter: Awaited<ReturnType<typeof connectionCounter>>;
  let defaultInventory: string;
  const work = scratchDir();
  before(async () => {
    counter = await connectionCounter();
    const port = counter.port;
    defaultInventory = writePlaybook(
      work,
      'inventory.yml',
      `all:\n  hosts:\n    hv1: { ansible_host: 127.0.0.1, ansible_port: ${port} }\n    hv2: { ansible_host: 127.0.0.1, ansible_port: ${port} }\n`,
    );
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await counter.close();
  });

  async function check(testCase: Case): Promise<void> {
    const args = ['-i', testCase.inventory ?? defaultInventory, ...testCase.args, testCase.playbook];
    const count = testCase.expected.length;
    const summary = `netfix: ${count} input error${count === 1 ? '' : 's'}; no host was contacted`;
    const runs = await Promise.all(['validate', 'apply'].map((command) => runNetfix([command, ...args])));
    for (const [index, command] of ['validate', 'apply'].entries()) {
      const run = runs[index]!;
      const shown = `netfix ${command} ${args.join(' ')}\n${run.stderr}`;
      assert.equal(run.exitCode, 1, shown);
      assert.equal(run.stdout, '', shown);
      assert.deepEqual(run.stderr.split('\n'), [...testCase.expected, summary, ''], shown);
    }
  }

  const cases = corpusCases();
  it('holds at least 40 cases', () => assert.ok(cases.length >= 40, `${cases.length} cases`));
  for (const testCase of cases) it(testCase.name, () => check(testCase));

  // Generated: too big or too binary for a fixture file.
  const generated = (name: string) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  it('61 a 50 MB playbook is refused by size, not parsed', async () => {
    const playbook = join(generated('61'), 'playbook.yml');
    writeBig(
      playbook,
      '- hosts: all\n  tasks:\n',
      '    # padding padding padding padding padding padding\n',
      50e6,
    );
    await check({ name: '61', playbook, args: [], expected: [`${playbook}: ${sizeLimit}`] });
  });

  it('62 a 1,000,000-line inventory is refused by size', async () => {
    const inventory = join(generated('62'), 'inventory.yml');
    writeBig(inventory, 'all:\n  hosts:\n', '    hv000000.dc1.example.org:\n', 1e6 * 29);
    await check({
      name: '62',
      inventory,
      playbook: defaultPlaybook,
      args: [],
      expected: [`${inventory}: ${sizeLimit}`],
    });
  });

  it('63 /dev/zero as a playbook is refused after reading 4 MiB of it', () =>
    check({ name: '63', playbook: '/dev/zero', args: [], expected: [`/dev/zero: ${sizeLimit}`] }));

  it('64 a Latin-1 byte is named with its position', async () => {
    const playbook = join(generated('64'), 'playbook.yml');
    writeFileSync(
      playbook,
      Buffer.concat([
        Buffer.from('- hosts: all\n  tasks:\n    - name: caf'),
        Buffer.from([0xe9]),
        Buffer.from('\n      kernel_module: { name: br_netfilter }\n'),
      ]),
    );
    await check({
      name: '64',
      playbook,
      args: [],
      expected: [
        `${playbook}:3:16: not valid UTF-8: byte 0xE9 (netfix reads UTF-8 text; convert the file, e.g. iconv -f latin1 -t utf-8)`,
      ],
    });
  });

  it('65 a UTF-16 inventory is named as such', async () => {
    const inventory = join(generated('65'), 'inventory.yml');
    writeFileSync(inventory, Buffer.from('\ufeffall:\n  hosts:\n    hv1:\n', 'utf16le'));
    await check({
      name: '65',
      inventory,
      playbook: defaultPlaybook,
      args: [],
      expected: [`${inventory}:1:1: the file is UTF-16 (byte order mark FF FE): save it as UTF-8`],
    });
  });

  it('66 a raw NUL byte in a playbook', async () => {
    const playbook = writePlaybook(
      generated('66'),
      'playbook.yml',
      '- hosts: all\n  tasks:\n    - name: load\0br_netfilter\n      kernel_module: { name: br_netfilter }\n',
    );
    await check({
      name: '66',
      playbook,
      args: [],
      expected: [`${playbook}:3:17: control character U+0000 (NUL) is not allowed in YAML text`],
    });
  });

  it('67 raw terminal escapes in an inventory are refused, not echoed', async () => {
    const inventory = writePlaybook(
      generated('67'),
      'inventory.yml',
      'all:\n  hosts:\n    hv1:\n      note: "\x1b[2J\x1b]0;pwned\x07"\n',
    );
    await check({
      name: '67',
      inventory,
      playbook: defaultPlaybook,
      args: [],
      expected: [
        `${inventory}:4:14: control character U+001B (ESC) is not allowed in YAML text`,
        `${inventory}:4:18: control character U+001B (ESC) is not allowed in YAML text`,
        `${inventory}:4:27: control character U+0007 is not allowed in YAML text`,
      ],
    });
  });

  it('68 a directory given as a playbook', async () => {
    const dir = generated('68');
    await check({
      name: '68',
      playbook: dir,
      args: [],
      expected: [`${dir}: cannot read: is a directory, not a file`],
    });
  });

  it('69 missing inventory and playbook are both reported', async () => {
    const dir = generated('69');
    await check({
      name: '69',
      inventory: join(dir, 'nosuch-inventory.yml'),
      playbook: join(dir, 'nosuch.yml'),
      args: [],
      expected: [
        `${dir}/nosuch-inventory.yml: cannot read: file not found`,
        `${dir}/nosuch.yml: cannot read: file not found`,
      ],
    });
  });

  it('contacted no host', () => assert.equal(counter.count(), 0));
});
