// Authentication and reaching hosts, against real sshd: a fleet behind a jump host (the hosts'
// names resolve only on the jump host, so a run that works went through it), a jump host that
// fails, an encrypted key with and without its passphrase, and ~/.ssh/config aliases (HostName,
// Port, User, IdentityFile, UserKnownHostsFile, ProxyJump).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { type Lab, type LabHost, startLab } from '../lab/index.js';
import { netfixBin, readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const PORT = 2222;
const SYSCTL_FILE = '/etc/sysctl.d/90-netfix-auth.conf';
const PASSPHRASE = 'pass-4b1d-Jump';
/** More hosts behind the jump host than one jump connection takes (10): a second one opens. */
const BEHIND = 12;

/** A name only the jump host can resolve (its own /etc/hosts). */
const hiddenName = (host: LabHost) => `${host.name}.behind-jump`;

describe('jump hosts, encrypted keys and ssh config', () => {
  let lab: Lab;
  let bastion: LabHost;
  let targets: LabHost[];
  const work = scratchDir();
  const playbook = writePlaybook(
    work,
    'auth.yml',
    `- name: reach the host
  hosts: all
  tasks:
    - name: somaxconn
      sysctl:
        name: net.core.somaxconn
        value: "{{ somaxconn }}"
        file: ${SYSCTL_FILE}
`,
  );

  /** apply with this file's inventory and known_hosts, ignoring any ssh config of the machine. */
  const argsWithoutSshConfig = (
    inventory: string,
    knownHosts: string,
    somaxconn: string | number,
    report: string,
  ) => [
    'apply',
    '-i',
    inventory,
    '--known-hosts',
    knownHosts,
    '--ssh-config',
    'none',
    playbook,
    '-e',
    `somaxconn=${somaxconn}`,
    '--report',
    report,
  ];
  const applyWithoutSshConfig = (inventory: string, knownHosts: string, somaxconn: string, report: string) =>
    runNetfix(argsWithoutSshConfig(inventory, knownHosts, somaxconn, report));

  /** known_hosts with each host's key under the name netfix will look it up by. */
  const knownHosts = (file: string, entries: Array<[string, LabHost]>) => {
    const lines = entries.map(([name, host]) => {
      const keyPart = host.knownHostsLine.split(' ').slice(1).join(' ');
      return `[${name}]:${PORT} ${keyPart}\n`;
    });
    writeFileSync(file, lines.join(''));
    return file;
  };

  const inventory = (name: string, hosts: Record<string, Record<string, unknown> | null>, vars = {}) => {
    const path = join(work, name);
    writeFileSync(path, stringify({ all: { vars, hosts } }));
    return path;
  };

  const sysctlValue = async (host: LabHost) => (await lab.sh(host.name, `cat ${SYSCTL_FILE} 2>&1`)).stdout;

  before(async () => {
    lab = await startLab({ hosts: BEHIND + 3, port: PORT });
    bastion = lab.hosts[0]!;
    targets = lab.hosts.slice(1, BEHIND + 1);
    const hostsLines = lab.hosts.map((host) => `${host.address} ${hiddenName(host)}`).join('\n');
    const added = await lab.sh(bastion.name, `printf '%s\\n' '${hostsLines}' >> /etc/hosts`);
    assert.equal(added.exitCode, 0, added.stderr);
  });
  after(async () => {
    await lab?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it(`${BEHIND} hosts behind one jump host, named as only the jump host knows them`, async () => {
    // The proof that traffic went through the jump host: this machine cannot resolve the names.
    await assert.rejects(lookup(hiddenName(targets[0]!)));
    const hosts = Object.fromEntries(
      targets.map((host) => [
        host.name,
        {
          ansible_host: hiddenName(host),
          ansible_port: PORT,
          ansible_user: 'root',
          ansible_ssh_private_key_file: lab.privateKeyPath,
        },
      ]),
    );
    const path = inventory('behind.yml', hosts, { netfix_jump_host: `root@${bastion.address}:${PORT}` });
    const known = knownHosts(join(work, 'known_hosts_jump'), [
      [bastion.address, bastion],
      ...targets.map((host): [string, LabHost] => [hiddenName(host), host]),
    ]);
    const report = join(work, 'jump.json');
    const bastionLogins = () =>
      readFileSync(join(lab.dir, 'hosts', bastion.name, 'sshd.log'), 'utf8').split('Accepted publickey')
        .length;
    const loginsBefore = bastionLogins();
    const run = await applyWithoutSshConfig(path, known, '4096', report);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const result = await readReport(report);
    assert.equal(result.hosts.length, BEHIND);
    for (const host of result.hosts) {
      assert.equal(host.status, 'changed', `${host.name}: ${host.error ?? ''}`);
      // One handshake per host; the shared jump connections are not any host's.
      assert.equal(host.stats.connects, 1, host.name);
    }
    // All hosts start at once and hold their channel to the end: 10 on the first jump
    // connection, the other 2 on a second one.
    assert.equal(bastionLogins() - loginsBefore, 2);
    for (const host of targets) assert.match(await sysctlValue(host), /net\.core\.somaxconn = 4096/);
    // The jump host itself was only passed through.
    assert.doesNotMatch(await sysctlValue(bastion), /somaxconn/);
  });

  it('a jump host that refuses names itself in each host’s error; nothing changes', async () => {
    const target = targets[0]!;
    const before = await lab.snapshot(target.name);
    const path = inventory('bad-jump.yml', {
      [target.name]: {
        ansible_host: hiddenName(target),
        ansible_port: PORT,
        ansible_user: 'root',
        ansible_ssh_private_key_file: lab.privateKeyPath,
        // No sshd on port 1 of the jump host's address.
        ansible_ssh_common_args: `-o StrictHostKeyChecking=no -o ProxyJump=root@${bastion.address}:1`,
      },
    });
    const known = knownHosts(join(work, 'known_hosts_bad_jump'), [[hiddenName(target), target]]);
    const report = join(work, 'bad-jump.json');
    const run = await applyWithoutSshConfig(path, known, '1111', report);
    assert.equal(run.exitCode, 3, run.stdout + run.stderr);
    const [host] = (await readReport(report)).hosts;
    assert.equal(host?.status, 'unreachable');
    assert.match(
      host?.error ?? '',
      new RegExp(`jump host ${bastion.address.replaceAll('.', '\\.')} .*:1\\)`),
    );
    assert.match(host?.error ?? '', /connection refused/);
    assert.deepEqual(await lab.snapshot(target.name), before);
  });

  describe('an encrypted private key', () => {
    const target = () => lab.hosts[BEHIND + 1]!;
    let keyFile: string;
    let path: string;
    let known: string;
    const applyArgs = (name: string, somaxconn: number) =>
      argsWithoutSshConfig(path, known, somaxconn, join(work, `${name}.json`));
    const runWith = (name: string, env: Record<string, string>) => {
      const report = join(work, `${name}.json`);
      return runNetfix(applyArgs(name, 2048), { env }).then(async (run) => ({
        run,
        report,
        text: run.stdout + run.stderr + readFileSync(report, 'utf8'),
      }));
    };

    before(() => {
      keyFile = join(work, 'id_encrypted');
      copyFileSync(lab.privateKeyPath, keyFile);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', keyFile]);
      path = inventory('encrypted.yml', {
        [target().name]: {
          ansible_host: target().address,
          ansible_port: PORT,
          ansible_user: 'root',
          ansible_ssh_private_key_file: keyFile,
        },
      });
      known = knownHosts(join(work, 'known_hosts_encrypted'), [[target().address, target()]]);
    });

    it('without its passphrase: a clear error naming the file and the ways to give it; nothing changes', async () => {
      const before = await lab.snapshot(target().name);
      const { run, report, text } = await runWith('no-passphrase', { NETFIX_SSH_PASSPHRASE: '' });
      assert.equal(run.exitCode, 3, text);
      const [host] = (await readReport(report)).hosts;
      assert.equal(host?.status, 'unreachable');
      assert.match(host?.error ?? '', new RegExp(`${keyFile} is encrypted and no passphrase was given`));
      assert.match(host?.error ?? '', /NETFIX_SSH_PASSPHRASE/);
      assert.match(host?.error ?? '', /--ask-key-passphrase/);
      assert.deepEqual(await lab.snapshot(target().name), before);

      const wrong = await runWith('wrong-passphrase', { NETFIX_SSH_PASSPHRASE: 'not-it-93e1' });
      assert.equal(wrong.run.exitCode, 3, wrong.text);
      assert.match(wrong.text, /the NETFIX_SSH_PASSPHRASE environment variable does not decrypt it/);
      assert.ok(!wrong.text.includes('not-it-93e1'), 'the wrong passphrase was printed');
      assert.deepEqual(await lab.snapshot(target().name), before);
    });

    it('with NETFIX_SSH_PASSPHRASE: the run goes through, and the passphrase is nowhere in the output', async () => {
      const { run, text } = await runWith('passphrase', { NETFIX_SSH_PASSPHRASE: PASSPHRASE });
      assert.equal(run.exitCode, 0, text);
      assert.ok(!text.includes(PASSPHRASE), 'the passphrase was printed');
      assert.match(await sysctlValue(target()), /net\.core\.somaxconn = 2048/);
    });
    it('--ask-key-passphrase: asked on a terminal without echo; with no terminal, an input error', async () => {
      const noTerminal = await runNetfix([...applyArgs('no-terminal', 2500), '--ask-key-passphrase'], {
        env: { NETFIX_SSH_PASSPHRASE: '' },
      });
      assert.equal(noTerminal.exitCode, 1, noTerminal.stdout + noTerminal.stderr);
      assert.match(noTerminal.stderr, /--ask-key-passphrase: stdin is not a terminal/);

      // script(1) gives netfix a pseudo-terminal; the passphrase is typed once the prompt shows,
      // as a person would, so that the terminal's own echo (were it on) would show it.
      const quoteArg = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;
      const command = [process.execPath, netfixBin, ...applyArgs('prompt', 2500), '--ask-key-passphrase']
        .map(quoteArg)
        .join(' ');
      const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
        env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '', NETFIX_SSH_PASSPHRASE: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let transcript = '';
      let prompts = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        transcript += chunk.toString();
        const seen = transcript.split('Enter passphrase for key').length - 1;
        if (seen > prompts) {
          prompts = seen;
          child.stdin.write(`${PASSPHRASE}\r`);
        }
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(timer);
      child.stdin.destroy();
      assert.equal(exitCode, 0, transcript);
      assert.equal(prompts, 1, transcript);
      assert.match(transcript, new RegExp(`Enter passphrase for key '${keyFile}'`));
      assert.ok(!transcript.includes(PASSPHRASE), 'the passphrase was echoed');
      assert.match(await sysctlValue(target()), /net\.core\.somaxconn = 2500/);
    });
  });

  it('~/.ssh/config: Host alias to HostName, Port, User, IdentityFile, UserKnownHostsFile, ProxyJump', async () => {
    const direct = lab.hosts[BEHIND + 2]!;
    const behind = targets[1]!;
    const home = join(work, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(lab.privateKeyPath, join(home, '.ssh', 'fleet_key'));
    knownHosts(join(home, '.ssh', 'fleet_hosts'), [
      [direct.address, direct],
      [bastion.address, bastion],
      [hiddenName(behind), behind],
    ]);
    writeFileSync(
      join(home, '.ssh', 'config'),
      [
        'Host alias-direct',
        `  HostName ${direct.address}`,
        'Host alias-behind',
        `  HostName ${hiddenName(behind)}`,
        '  ProxyJump jumpbox',
        'Host jumpbox',
        `  HostName ${bastion.address}`,
        'Host alias-* jumpbox',
        `  Port ${PORT}`,
        '  User root',
        '  IdentityFile ~/.ssh/fleet_key',
        '  UserKnownHostsFile ~/.ssh/fleet_hosts',
        // Read by netfix only as far as it is written: Match is reported, not misapplied.
        'Match user nobody',
        '  Port 1',
        '',
      ].join('\n'),
    );
    // No connection variables at all: everything comes from ~/.ssh/config.
    const path = inventory('aliases.yml', { 'alias-direct': null, 'alias-behind': null });
    const report = join(work, 'aliases.json');
    const run = await runNetfix(['apply', '-i', path, playbook, '-e', 'somaxconn=3072', '--report', report], {
      env: { HOME: home },
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /\.ssh\/config:13: Match is not supported/);
    const result = await readReport(report);
    assert.deepEqual(result.hosts.map((host) => [host.name, host.status]).sort(), [
      ['alias-behind', 'changed'],
      ['alias-direct', 'changed'],
    ]);
    assert.match(await sysctlValue(direct), /net\.core\.somaxconn = 3072/);
    assert.match(await sysctlValue(behind), /net\.core\.somaxconn = 3072/);
  });
  it('a chain of two jump hosts from ssh config; an unknown jump host key is refused and named', async () => {
    const second = lab.hosts[BEHIND + 2]!;
    const target = targets[2]!;
    const deepName = `${target.name}.behind-second`;
    const added = await lab.sh(second.name, `echo '${target.address} ${deepName}' >> /etc/hosts`);
    assert.equal(added.exitCode, 0, added.stderr);
    const home = join(work, 'home-chain');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const config = (knownHostsFile: string) =>
      writeFileSync(
        join(home, '.ssh', 'config'),
        [
          'Host deep',
          `  HostName ${deepName}`,
          // The second hop's name is one only the first hop resolves.
          `  ProxyJump root@${bastion.address}:${PORT},root@${hiddenName(second)}:${PORT}`,
          'Host *',
          `  Port ${PORT}`,
          '  User root',
          `  IdentityFile ${lab.privateKeyPath}`,
          `  UserKnownHostsFile ${knownHostsFile}`,
          '',
        ].join('\n'),
      );
    const path = inventory('chain.yml', { deep: null });
    const run = (name: string) =>
      runNetfix(
        ['apply', '-i', path, playbook, '-e', 'somaxconn=1536', '--report', join(work, `${name}.json`)],
        {
          env: { HOME: home },
        },
      );

    // Without the second hop's key in known_hosts: refused, and the message says which hop.
    config(
      knownHosts(join(work, 'known_hosts_chain_partial'), [
        [bastion.address, bastion],
        [deepName, target],
      ]),
    );
    const refused = await run('chain-refused');
    assert.equal(refused.exitCode, 3, refused.stdout + refused.stderr);
    const [refusedHost] = (await readReport(join(work, 'chain-refused.json'))).hosts;
    assert.match(refusedHost?.error ?? '', new RegExp(`jump host ${hiddenName(second)} .*unknown host key`));
    assert.doesNotMatch(await sysctlValue(target), /1536/);

    config(
      knownHosts(join(work, 'known_hosts_chain'), [
        [bastion.address, bastion],
        [hiddenName(second), second],
        [deepName, target],
      ]),
    );
    const through = await run('chain');
    assert.equal(through.exitCode, 0, through.stdout + through.stderr);
    assert.match(await sysctlValue(target), /net\.core\.somaxconn = 1536/);
  });

  it('StrictHostKeyChecking no still refuses a changed key, with both fingerprints', async () => {
    const host = targets[3]!;
    const impostor = targets[4]!;
    const home = join(work, 'home-strict');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    // known_hosts records another host's key for this one: to netfix, the key changed.
    knownHosts(join(home, '.ssh', 'known_hosts'), [[host.address, impostor]]);
    writeFileSync(join(home, '.ssh', 'config'), 'Host *\n  StrictHostKeyChecking no\n');
    const path = inventory('strict.yml', {
      [host.name]: {
        ansible_host: host.address,
        ansible_port: PORT,
        ansible_user: 'root',
        ansible_ssh_private_key_file: lab.privateKeyPath,
      },
    });
    const report = join(work, 'strict.json');
    const run = await runNetfix(['apply', '-i', path, playbook, '-e', 'somaxconn=1111', '--report', report], {
      env: { HOME: home },
    });
    assert.equal(run.exitCode, 3, run.stdout + run.stderr);
    const [result] = (await readReport(report)).hosts;
    assert.match(result?.error ?? '', /HOST KEY CHANGED/);
    assert.ok(result?.error?.includes(host.hostKeyFingerprint), 'names the offered fingerprint');
    assert.ok(result?.error?.includes(impostor.hostKeyFingerprint), 'names the recorded fingerprint');
    assert.doesNotMatch(await sysctlValue(host), /1111/);
  });
});
