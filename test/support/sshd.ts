import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';

// A throwaway real OpenSSH sshd for end-to-end tests: its own config, host keys and authorized
// client key in a temp dir, listening on a random 127.x.y.z address and free port. stop() ends
// it by pid (and the per-connection processes it forked), deletes the users and sudoers files it
// added and removes the temp dir; call it from after(), which runs even when tests fail.

const run = promisify(execFile);
const sshdPath = '/usr/sbin/sshd';

export type HostKeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface SshdOptions {
  hostKeyTypes?: readonly HostKeyType[];
  /** Appended to sshd_config. */
  extraConfig?: string;
}

export interface TestUser {
  name: string;
}

export interface SshdFixture {
  readonly dir: string;
  readonly address: string;
  readonly port: number;
  /** Private key authorized for root and for every user made with addUser. */
  readonly clientKeyFile: string;
  /** Host public key files (`ssh-keygen -lf` them), by type. */
  readonly hostKeyPub: Readonly<Record<HostKeyType, string>>;
  /** The host public key as a known_hosts key field pair: "ssh-ed25519 AAAA…". */
  hostKeyLine(type: HostKeyType): string;
  /** A local user that can log in with clientKeyFile; `sudoers` lines go to /etc/sudoers.d. */
  addUser(sudoers?: (name: string) => string): Promise<TestUser>;
  /** sshd's stderr so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  const hostKeyTypes = options.hostKeyTypes ?? ['ed25519', 'ecdsa', 'rsa'];
  const dir = await mkdtemp(join(tmpdir(), 'netfix-sshd-'));
  // Readable by the non-root test users: sshd reads authorized_keys as the user logging in.
  await chmod(dir, 0o755);
  const cleanups: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  let child: ChildProcess | undefined;
  let stderr = '';
  const killOnExit = () => child?.pid && tryKill(child.pid, 'SIGKILL');

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child?.pid) await stopProcessTree(child);
    // Newest first: users (whose sessions are gone now) before the directory holding their key.
    const failures: unknown[] = [];
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => failures.push(error));
    cleanups.length = 0;
    // Loud, so that a user or sudoers file left behind fails the run instead of going unnoticed.
    if (failures.length > 0) throw new AggregateError(failures, 'sshd fixture cleanup failed');
  };

  try {
    const hostKeyPub = {} as Record<HostKeyType, string>;
    const hostKeyConfig: string[] = [];
    for (const type of hostKeyTypes) {
      const keyFile = join(dir, `ssh_host_${type}_key`);
      const pair = generateKeyPair(type, `host-${type}`);
      await writeFile(keyFile, pair.private, { mode: 0o600 });
      await writeFile(`${keyFile}.pub`, `${pair.public}\n`, { mode: 0o644 });
      hostKeyPub[type] = `${keyFile}.pub`;
      hostKeyConfig.push(`HostKey ${keyFile}`);
    }
    const clientKeyFile = join(dir, 'client_ed25519');
    const client = generateKeyPair('ed25519', 'netfix-test-client');
    await writeFile(clientKeyFile, client.private, { mode: 0o600 });
    await writeFile(join(dir, 'authorized_keys'), `${client.public}\n`, { mode: 0o644 });

    const address = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
    const port = await freePort(address);
    const config = join(dir, 'sshd_config');
    await writeFile(
      config,
      [
        `ListenAddress ${address}:${port}`,
        ...hostKeyConfig,
        'PidFile none',
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        // The temp dir lives under /tmp (sticky, world-writable), which StrictModes would refuse.
        'StrictModes no',
        'MaxSessions 10',
        'LogLevel VERBOSE',
        options.extraConfig ?? '',
        '',
      ].join('\n'),
    );
    // Debian's sshd refuses to start without its privilege separation directory, which only
    // the packaged service creates. Left in place: a concurrently running fixture may need it.
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

    child = spawn(sshdPath, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    process.on('exit', killOnExit);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start within 10s:\n${stderr}`)), 10_000);
      child?.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('Server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child?.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited with ${code} before listening:\n${stderr}`));
      });
      child?.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });

    const addUser = async (sudoers?: (name: string) => string): Promise<TestUser> => {
      const name = `nfx${randomBytes(4).toString('hex')}`;
      // '*' rather than useradd's locked '!': sshd without PAM refuses locked accounts.
      await run('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', '-p', '*', name]);
      cleanups.push(async () => {
        await run('userdel', [name]);
      });
      if (sudoers) {
        const file = `/etc/sudoers.d/${name}`;
        await mkdir('/etc/sudoers.d', { recursive: true, mode: 0o750 });
        await writeFile(file, `${sudoers(name)}\n`, { mode: 0o440 });
        cleanups.push(() => rm(file, { force: true }));
      }
      return { name };
    };

    return {
      dir,
      address,
      port,
      clientKeyFile,
      hostKeyPub,
      hostKeyLine: (type) => readFileSync(hostKeyPub[type], 'utf8').split(' ').slice(0, 2).join(' '),
      addUser,
      log: () => stderr,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** OpenSSH-format key pair made in-process (no ssh-keygen process per key). */
export function generateKeyPair(
  type: HostKeyType,
  comment: string,
  passphrase?: string,
): { private: string; public: string } {
  const encryption = passphrase ? { passphrase, cipher: 'aes256-ctr' } : {};
  if (type === 'rsa') return ssh2.utils.generateKeyPairSync('rsa', { bits: 2048, comment, ...encryption });
  if (type === 'ecdsa') return ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256, comment, ...encryption });
  // ssh2 writes an ed25519 public key whose first byte is 0 as 31 bytes, which OpenSSH refuses
  // ("error in libcrypto") about once in 256 keys: draw again until the blob has all 32 bytes.
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment, ...encryption });
    const blob = Buffer.from(pair.public.split(' ')[1] ?? '', 'base64');
    if (blob.length === 4 + 'ssh-ed25519'.length + 4 + 32) return pair;
  }
}

/** A port nothing listens on at `address` right now. */
export function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const bound = server.address();
      server.close(() =>
        bound && typeof bound === 'object' ? resolve(bound.port) : reject(new Error('no port')),
      );
    });
  });
}

/** sshd forks a process per connection; they outlive the listener unless ended too. */
async function stopProcessTree(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (!pid) return;
  // Connections first, while the tree still hangs together (once the listener is gone its
  // children are re-parented and no longer found from its pid).
  for (const descendant of descendantsOf(pid)) tryKill(descendant, 'SIGKILL');
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    tryKill(pid, 'SIGTERM');
    const timer = setTimeout(() => tryKill(pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

function descendantsOf(rootPid: number): number[] {
  const childrenByParent = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      childrenByParent.set(parent, [...(childrenByParent.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    for (const childPid of childrenByParent.get(pending.pop() as number) ?? []) {
      found.push(childPid);
      pending.push(childPid);
    }
  }
  return found;
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

export function sudoInstalled(): boolean {
  return existsSync('/usr/bin/sudo');
}
