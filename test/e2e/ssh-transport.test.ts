import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { InternalError } from '../../src/errors.js';
import { raw, sh } from '../../src/shell/index.js';
import {
  BecomeError,
  ConnectError,
  type ConnectFailureReason,
  ConnectionLostError,
  type ConnectOptions,
  type ConnectTarget,
  connect,
  ExecTimeoutError,
  type Transport,
} from '../../src/ssh/index.js';
import { freePort, generateKeyPair, type SshdFixture, startSshd, sudoInstalled } from '../support/sshd.js';

/** These tests need sudo: they fail with the fix rather than vanish when it is missing. */
function requireSudo(): void {
  assert.ok(
    sudoInstalled(),
    'sudo is not installed: apt-get install sudo (scripts/ensure-host-deps.sh does it)',
  );
}

// The transport against a real OpenSSH sshd on loopback: exec semantics, host key checking in
// every known_hosts form, authentication, timeouts, lost connections and sudo.

const run = promisify(execFile);

let sshd: SshdFixture;
let knownHostsCount = 0;

before(async () => {
  sshd = await startSshd();
});

after(async () => {
  await sshd?.stop();
});

function hostName(): string {
  return `[${sshd.address}]:${sshd.port}`;
}

function target(overrides: Partial<ConnectTarget> = {}): ConnectTarget {
  return {
    name: 'lab1',
    address: sshd.address,
    port: sshd.port,
    user: 'root',
    privateKeyFile: sshd.clientKeyFile,
    ...overrides,
  };
}

/** A fresh known_hosts file in the fixture's temp dir. */
async function knownHosts(...lines: string[]): Promise<string> {
  const file = join(sshd.dir, `known_hosts_${++knownHostsCount}`);
  await writeFile(file, lines.map((line) => `${line}\n`).join(''));
  return file;
}

async function trustedOptions(overrides: Partial<ConnectOptions> = {}): Promise<ConnectOptions> {
  return {
    knownHostsFile: await knownHosts(`${hostName()} ${sshd.hostKeyLine('ed25519')}`),
    acceptNewHostKeys: false,
    connectTimeoutMs: 5000,
    ...overrides,
  };
}

async function sshKeygenFingerprint(pubFile: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-lf', pubFile]);
  const fingerprint = stdout.split(' ')[1] ?? '';
  assert.ok(fingerprint.startsWith('SHA256:'), stdout);
  return fingerprint;
}

async function connectFailure(
  connecting: Promise<Transport>,
  reason: ConnectFailureReason,
): Promise<ConnectError> {
  const error = await connecting.then(
    async (transport) => {
      await transport.close();
      assert.fail(`connected, expected ${reason}`);
    },
    (error: unknown) => error,
  );
  assert.ok(error instanceof ConnectError, String(error));
  assert.equal(error.reason, reason, error.message);
  return error;
}

const quick = { timeoutMs: 10_000, description: 'test' };

/** Prints "gone" once /proc/<pid> is gone (a killed process may linger a moment as a zombie), else "alive". */
function waitUntilGone(pid: number) {
  return sh`i=0
while [ -d /proc/${pid} ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done
if [ -d /proc/${pid} ]; then echo alive; else echo gone; fi`;
}

describe('exec', () => {
  let transport: Transport;
  before(async () => {
    transport = await connect(target(), await trustedOptions());
  });
  after(async () => {
    await transport?.close();
  });

  test('returns stdout, stderr and the exit code', async () => {
    const result = await transport.exec(raw('echo out; echo err >&2; exit 3'), quick);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'err\n');
    assert.equal(result.exitCode, 3);
    assert.equal(result.signal, null);
    // Without an explicit exit, the status of the script's last command.
    assert.equal((await transport.exec(raw('true\nfalse'), quick)).exitCode, 1);
  });

  test('a value with quotes, newlines, $(), backticks and UTF-8 round-trips exactly', async () => {
    const value = `it's "quoted" $(echo no) \`echo no\` \\ $HOME ;|&<>*?\n\tsecond line ünï ✓\n`;
    const result = await transport.exec(sh`printf '%s' ${value}`, quick);
    assert.equal(result.stdout, value);
    assert.equal(result.exitCode, 0);
  });

  test('nothing in the script can read the rest of the script from stdin', async () => {
    const result = await transport.exec(raw('cat\nread line; echo "read:[$line]"\necho after'), quick);
    assert.equal(result.stdout, 'read:[]\nafter\n');
  });

  test('the remote sh runs as `/bin/sh -s` and the script text is in no process argv', async () => {
    // The marker is assembled at run time so that the scanning commands' own argv lacks it.
    const script = raw(
      [
        '# secret: NETFIX-ARGV-MARKER',
        "tr '\\0' ' ' < /proc/$$/cmdline; echo",
        'm=NETFIX-ARGV; m="$m-MARKER"',
        'for f in /proc/[0-9]*/cmdline; do',
        '  case "$(tr \'\\0\' \' \' < "$f" 2>/dev/null)" in *"$m"*) echo "found in $f";; esac',
        'done',
      ].join('\n'),
    );
    const result = await transport.exec(script, quick);
    assert.equal(result.stdout, '/bin/sh -s \n');
  });

  test('a command past its deadline is killed and the connection stays usable', async () => {
    const started = Date.now();
    const error = await transport
      .exec(raw('sleep 30 & echo $!; wait'), { timeoutMs: 3000, description: 'sleep 30' })
      .then(
        () => assert.fail('no timeout'),
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof ExecTimeoutError, String(error));
    // Not a speed target: it ended well before the 30 s the command would have taken. The
    // deadline is generous so that a loaded machine still gets the pid printed before it.
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    assert.equal(error.description, 'sleep 30');
    const pid = Number(error.partialStdout.trim());
    assert.ok(pid > 1, `partial stdout: ${JSON.stringify(error.partialStdout)}`);
    // The remote command (a child of the sh) was killed, not merely abandoned.
    assert.equal((await transport.exec(waitUntilGone(pid), quick)).stdout, 'gone\n');
  });

  test('more execs at once than sshd MaxSessions all succeed', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, index) => transport.exec(sh`sleep 0.2; echo ${index}`, quick)),
    );
    assert.deepEqual(
      results.map((result) => result.stdout),
      Array.from({ length: 25 }, (_, index) => `${index}\n`),
    );
  });

  test('a large script travels on stdin (no ARG_MAX)', async () => {
    const lines = Array.from({ length: 40_000 }, (_, index) => `: line ${index} ${'x'.repeat(40)}`);
    const result = await transport.exec(raw(`${lines.join('\n')}\necho done`), quick);
    assert.equal(result.stdout, 'done\n');
  });
});

describe('counters', () => {
  test('count one connect, each exec and the bytes both ways', async () => {
    const transport = await connect(target(), await trustedOptions());
    try {
      for (let index = 0; index < 3; index++) await transport.exec(raw('echo hello'), quick);
      const stats = transport.stats;
      assert.equal(stats.connects, 1);
      assert.equal(stats.execs, 3);
      // Received bytes also hold the start marker each exec's prologue prints on stderr.
      assert.ok(
        stats.bytesReceived >= 3 * 'hello\n'.length && stats.bytesReceived < 3 * 100,
        String(stats.bytesReceived),
      );
      assert.ok(stats.bytesSent >= 3 * 'echo hello'.length);
    } finally {
      await transport.close();
    }
  });
});

describe('host keys', () => {
  test('an unknown key is refused with the fingerprint ssh-keygen prints', async () => {
    const file = await knownHosts('# nothing here yet');
    const error = await connectFailure(
      connect(target(), { knownHostsFile: file, acceptNewHostKeys: false, connectTimeoutMs: 5000 }),
      'host-key-unknown',
    );
    const expected = await sshKeygenFingerprint(sshd.hostKeyPub.ed25519);
    assert.match(error.message, new RegExp(`ED25519 key ${expected.replace(/[+/]/g, '\\$&')}`));
    assert.ok(error.message.includes(file), error.message);
    assert.ok(error.message.includes('--accept-new-host-keys'), error.message);
    assert.ok(error.message.includes('ssh-keygen -lf'), error.message);
  });

  test('a changed key is refused naming both fingerprints and the line', async () => {
    const other = generateKeyPair('ed25519', 'impostor');
    const otherPub = join(sshd.dir, 'other.pub');
    await writeFile(otherPub, `${other.public}\n`);
    const otherLine = other.public.split(' ').slice(0, 2).join(' ');
    const file = await knownHosts('# header', `${hostName()} ${otherLine}`);
    for (const acceptNewHostKeys of [false, true]) {
      const error = await connectFailure(
        connect(target(), { knownHostsFile: file, acceptNewHostKeys, connectTimeoutMs: 5000 }),
        'host-key-changed',
      );
      assert.ok(error.message.includes(`${file}:2`), error.message);
      assert.ok(error.message.includes(await sshKeygenFingerprint(otherPub)), error.message);
      assert.ok(error.message.includes(await sshKeygenFingerprint(sshd.hostKeyPub.ed25519)), error.message);
    }
    assert.equal((await readFile(file, 'utf8')).split('\n').length, 3, 'file untouched');
  });

  test('an entry hashed by ssh-keygen -H is accepted', async () => {
    const file = await knownHosts(`${hostName()} ${sshd.hostKeyLine('ed25519')}`);
    await run('ssh-keygen', ['-H', '-f', file]);
    assert.match(await readFile(file, 'utf8'), /^\|1\|/);
    const transport = await connect(target(), {
      knownHostsFile: file,
      acceptNewHostKeys: false,
      connectTimeoutMs: 5000,
    });
    await transport.close();
  });

  test('the algorithms recorded for the host are asked for first', async () => {
    // ssh2 alone would negotiate ed25519 and find it unknown beside the recorded RSA/ECDSA key.
    for (const type of ['rsa', 'ecdsa'] as const) {
      const file = await knownHosts(`${hostName()} ${sshd.hostKeyLine(type)}`);
      const transport = await connect(target(), {
        knownHostsFile: file,
        acceptNewHostKeys: false,
        connectTimeoutMs: 5000,
      });
      await transport.close();
    }
  });

  test('a key of another type than the recorded ones counts as changed', async () => {
    const rsaOnly = await startSshd({ hostKeyTypes: ['rsa'] });
    try {
      const file = await knownHosts(`[${rsaOnly.address}]:${rsaOnly.port} ${sshd.hostKeyLine('ed25519')}`);
      const error = await connectFailure(
        connect(
          {
            ...target(),
            address: rsaOnly.address,
            port: rsaOnly.port,
            privateKeyFile: rsaOnly.clientKeyFile,
          },
          { knownHostsFile: file, acceptNewHostKeys: true, connectTimeoutMs: 5000 },
        ),
        'host-key-changed',
      );
      assert.match(error.message, /offered RSA key SHA256:/);
    } finally {
      await rsaOnly.stop();
    }
  });

  test('a @revoked key is refused', async () => {
    const file = await knownHosts(
      `@revoked * ${sshd.hostKeyLine('ed25519')}`,
      `${hostName()} ${sshd.hostKeyLine('ed25519')}`,
    );
    const error = await connectFailure(
      connect(target(), { knownHostsFile: file, acceptNewHostKeys: true, connectTimeoutMs: 5000 }),
      'host-key-revoked',
    );
    assert.ok(error.message.includes(`${file}:1`), error.message);
  });

  test('acceptNewHostKeys records the key once, even from many connections at once', async () => {
    const file = join(sshd.dir, 'known_hosts_new');
    const transports = await Promise.all(
      Array.from({ length: 6 }, () =>
        connect(target(), { knownHostsFile: file, acceptNewHostKeys: true, connectTimeoutMs: 5000 }),
      ),
    );
    await Promise.all(transports.map((transport) => transport.close()));
    const text = await readFile(file, 'utf8');
    assert.equal(text, `${hostName()} ${sshd.hostKeyLine('ed25519')}\n`);
    // OpenSSH reads what was written.
    const { stdout } = await run('ssh-keygen', ['-F', hostName(), '-f', file]);
    assert.match(stdout, /ssh-ed25519/);
    const again = await connect(target(), {
      knownHostsFile: file,
      acceptNewHostKeys: false,
      connectTimeoutMs: 5000,
    });
    await again.close();
  });

  test('a file without a final newline gets one before the appended line', async () => {
    const file = join(sshd.dir, 'known_hosts_no_newline');
    await writeFile(file, '# no newline at the end');
    const transport = await connect(target(), {
      knownHostsFile: file,
      acceptNewHostKeys: true,
      connectTimeoutMs: 5000,
    });
    await transport.close();
    assert.equal(
      await readFile(file, 'utf8'),
      `# no newline at the end\n${hostName()} ${sshd.hostKeyLine('ed25519')}\n`,
    );
  });
});

describe('connect failures', () => {
  test('a port with no listener is "refused", quickly', async () => {
    const port = await freePort(sshd.address);
    const started = Date.now();
    const error = await connectFailure(connect(target({ port }), await trustedOptions()), 'refused');
    // Refused at once, not after the 10 s connect timeout (generous: the machine is shared).
    assert.ok(Date.now() - started < 8000);
    assert.ok(error.message.includes(`lab1 (${sshd.address}:${port})`), error.message);
    assert.ok(error.message.includes('ECONNREFUSED'), error.message);
  });

  test('a server that never speaks SSH is a "timeout"', async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, sshd.address, resolve));
    try {
      const address = silent.address();
      assert.ok(address && typeof address === 'object');
      const started = Date.now();
      await connectFailure(
        connect(target({ port: address.port }), await trustedOptions({ connectTimeoutMs: 500 })),
        'timeout',
      );
      // The 500 ms connect deadline ended it, not the socket (which stays open forever).
      assert.ok(Date.now() - started < 20_000);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  test('a key the server does not accept is "auth", naming user and method', async () => {
    const stranger = join(sshd.dir, 'stranger_key');
    await writeFile(stranger, generateKeyPair('ed25519', 'stranger').private, { mode: 0o600 });
    const error = await connectFailure(
      connect(target({ privateKeyFile: stranger }), await trustedOptions()),
      'auth',
    );
    assert.match(
      error.message,
      /as root failed: tried publickey with .*stranger_key; the server accepts: publickey/,
    );
  });

  test('a missing or encrypted key file is "key-file"', async () => {
    const missing = await connectFailure(
      connect(target({ privateKeyFile: join(sshd.dir, 'absent') }), await trustedOptions()),
      'key-file',
    );
    assert.match(missing.message, /cannot read private key file/);
    const encrypted = join(sshd.dir, 'encrypted_key');
    await writeFile(encrypted, generateKeyPair('ed25519', 'locked', 'secret').private, { mode: 0o600 });
    const locked = await connectFailure(
      connect(target({ privateKeyFile: encrypted }), await trustedOptions()),
      'key-file',
    );
    assert.match(locked.message, /encrypted.*ssh-add/);
  });

  test('without key file or agent it is "auth" before any connection', async () => {
    await connectFailure(connect(target({ privateKeyFile: undefined }), await trustedOptions()), 'auth');
  });
});

describe('ssh-agent', () => {
  let agent: ChildProcess | undefined;
  const socket = () => join(sshd.dir, 'agent.sock');
  after(() => {
    if (agent?.pid) process.kill(agent.pid, 'SIGTERM');
  });

  test('authenticates with the agent when no key file is set', async () => {
    agent = spawn('ssh-agent', ['-D', '-a', socket()], { stdio: 'ignore' });
    for (let tries = 0; tries < 50; tries++) {
      if (
        await run('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: socket() } }).catch((error) => error.code === 1)
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await run('ssh-add', [sshd.clientKeyFile], { env: { SSH_AUTH_SOCK: socket() } });
    const transport = await connect(
      target({ privateKeyFile: undefined }),
      await trustedOptions({ agentSocket: socket() }),
    );
    try {
      assert.equal((await transport.exec(raw('echo via agent'), quick)).stdout, 'via agent\n');
    } finally {
      await transport.close();
    }
  });
});

describe('connection lifetime', () => {
  test('a dropped connection fails the running execs with ConnectionLostError', async () => {
    const transport = await connect(target(), await trustedOptions());
    // Both scripts find the sshd process serving this connection among their ancestors.
    const findSshd = [
      'p=$PPID',
      'while [ "$p" -gt 1 ] && [ "$(cat /proc/$p/comm)" != sshd ]; do p=$(cut -d" " -f4 /proc/$p/stat); done',
    ].join('\n');
    const victim = transport.exec(raw(`${findSshd}\nwhile [ -d /proc/$p ]; do sleep 0.1; done`), {
      timeoutMs: 10_000,
      description: 'victim',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killer = transport.exec(raw(`${findSshd}\nkill -9 "$p"`), quick);
    for (const outcome of await Promise.allSettled([victim, killer])) {
      assert.equal(outcome.status, 'rejected');
      assert.ok(outcome.reason instanceof ConnectionLostError, String(outcome.reason));
    }
    await assert.rejects(transport.exec(raw('true'), quick), ConnectionLostError);
    await transport.close();
  });

  test('close is idempotent and exec after close is a bug', async () => {
    const transport = await connect(target(), await trustedOptions());
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    await assert.rejects(transport.exec(raw('true'), quick), InternalError);
  });
});

describe('become', () => {
  test('sudo is installed on this machine', () => {
    assert.ok(sudoInstalled(), 'sudo is not installed on this test machine: apt-get install sudo');
  });

  test('runs the script as root through sudo -n, still from stdin', async () => {
    requireSudo();
    const transport = await connect(target(), await trustedOptions());
    try {
      const result = await transport.exec(raw("id -un; tr '\\0' ' ' < /proc/$$/cmdline; echo"), {
        ...quick,
        become: {},
      });
      assert.equal(result.stdout, 'root\n/bin/sh -s \n');
    } finally {
      await transport.close();
    }
  });

  test('a command run through sudo that passes its deadline is killed too', async () => {
    requireSudo();
    // sshd will not deliver a channel signal to a root-owned process here; the second exec must.
    const user = await sshd.addUser((name) => `${name} ALL=(ALL) NOPASSWD: ALL`);
    const transport = await connect(target({ user: user.name }), await trustedOptions());
    try {
      const error = await transport
        .exec(raw('sleep 30 & echo $!; wait'), { timeoutMs: 3000, description: 'sleep as root', become: {} })
        .then(
          () => assert.fail('no timeout'),
          (caught: unknown) => caught,
        );
      assert.ok(error instanceof ExecTimeoutError, String(error));
      const pid = Number(error.partialStdout.trim());
      assert.equal((await transport.exec(waitUntilGone(pid), quick)).stdout, 'gone\n');
    } finally {
      await transport.close();
    }
  });

  test('a user whose sudo wants a password gets BecomeError with the fix', async () => {
    requireSudo();
    const user = await sshd.addUser((name) => `${name} ALL=(ALL) ALL`);
    const transport = await connect(target({ user: user.name }), await trustedOptions());
    try {
      const plain = await transport.exec(raw('id -un'), quick);
      assert.equal(plain.stdout, `${user.name}\n`);
      const error = await transport
        .exec(raw('id -un'), { ...quick, become: {} })
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof BecomeError, String(error));
      assert.equal(error.kind, 'password-required');
      assert.ok(error.message.includes(`${user.name} ALL=(root) NOPASSWD: ALL`), error.message);
    } finally {
      await transport.close();
    }
  });

  test('Defaults requiretty gives BecomeError naming !requiretty', async () => {
    requireSudo();
    const user = await sshd.addUser((name) => `Defaults:${name} requiretty\n${name} ALL=(ALL) NOPASSWD: ALL`);
    const transport = await connect(target({ user: user.name }), await trustedOptions());
    try {
      const error = await transport
        .exec(raw('id -un'), { ...quick, become: {} })
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof BecomeError, String(error));
      assert.equal(error.kind, 'tty-required');
      assert.ok(error.message.includes(`Defaults:${user.name} !requiretty`), error.message);
    } finally {
      await transport.close();
    }
  });

  test('a NOPASSWD user becomes another user', async () => {
    requireSudo();
    const user = await sshd.addUser((name) => `${name} ALL=(ALL) NOPASSWD: ALL`);
    const transport = await connect(target({ user: user.name }), await trustedOptions());
    try {
      const result = await transport.exec(raw('id -un'), { ...quick, become: { user: 'nobody' } });
      assert.equal(result.stdout, 'nobody\n');
    } finally {
      await transport.close();
    }
  });
});
