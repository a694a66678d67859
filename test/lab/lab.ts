// startLab: N real sshd hosts on loopback addresses, each in its own mount and UTS namespace
// with a simulated kernel (sim/). The Python daemon (sim/labd.py) builds and owns the hosts;
// this file writes keys and config, talks to it, and gives tests the Lab API.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { installDStateModprobe } from './d-state.js';
import { LabDaemon } from './daemon.js';
import { trackLab, untrackLab } from './exit-hooks.js';
import { fingerprint, generateEd25519, keyType, knownHostsName } from './keys.js';
import { inventoryFile, knownHostsFile, SSHD, sshdConfig } from './lab-files.js';
import { claimSlot, hostAddress, labDirOf, reapLab, reapStaleLabs, SIM_DIR, type Slot } from './lab-root.js';
import { snapshotHost } from './snapshot.js';
import type { Lab, LabHost, LabHostSpec, LabOptions, ShOptions, ShResult } from './types.js';

/** What an ssh session of root gets; lab.sh runs with the same. */
const HOST_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/sh',
  LANG: 'C',
};

export async function startLab(options: LabOptions): Promise<Lab> {
  reapStaleLabs();
  const slot = claimSlot(options.dir);
  try {
    return await buildLab(slot, options);
  } catch (e) {
    reapLab(slot.dir);
    throw e;
  }
}

async function buildLab(slot: Slot, options: LabOptions): Promise<Lab> {
  const dir = labDirOf(slot.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'hosts'), { recursive: true, mode: 0o700 });
  // The simulator runs from the lab's copy: its __pycache__ lands there, not in the repository.
  cpSync(SIM_DIR, path.join(dir, 'sim'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  installDStateModprobe(path.join(dir, 'sim'));

  const client = generateEd25519('netfix-lab');
  const privateKeyPath = path.join(dir, 'id_ed25519');
  writeFileSync(privateKeyPath, client.privateKey, { mode: 0o600 });
  writeFileSync(`${privateKeyPath}.pub`, `${client.publicKey}\n`);
  const authorizedKeys = path.join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, `${client.publicKey}\n`);
  writeFileSync(path.join(dir, 'sshd_config'), sshdConfig(authorizedKeys));

  const specs: Array<Required<LabHostSpec>> = (
    typeof options.hosts === 'number'
      ? Array.from({ length: options.hosts }, (): LabHostSpec => ({}))
      : options.hosts
  ).map((s) => ({ kernel: s.kernel ?? 'modern', init: s.init ?? 'systemd' }));
  const port = options.port ?? 22;
  const prefix = options.namePrefix ?? 'hv';
  const made = specs.map((spec, i) => {
    const name = `${prefix}${String(i + 1).padStart(3, '0')}`;
    const address = hostAddress(slot.index, i);
    const hostDir = path.join(dir, 'hosts', name);
    mkdirSync(hostDir);
    const key = generateEd25519(`root@${name}`);
    writeFileSync(path.join(hostDir, 'ssh_host_ed25519_key'), key.privateKey, { mode: 0o600 });
    const host = {
      name,
      address,
      port,
      hostKeyFingerprint: fingerprint(key.publicKey),
      knownHostsLine: `${knownHostsName(address, port)} ${keyType(key.publicKey)}`,
      kernel: spec.kernel,
      init: spec.init,
    };
    return { host, publicKey: key.publicKey, hostDir };
  });
  const knownHostsPath = path.join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, knownHostsFile(made, options.knownHosts ?? 'plain'));
  const inventoryPath = path.join(dir, 'inventory.yml');
  writeFileSync(
    inventoryPath,
    inventoryFile(
      dir,
      made.map((m) => m.host),
      privateKeyPath,
    ),
  );

  const daemon = await LabDaemon.start(dir, {
    sshd: SSHD,
    // -r: no re-exec of sshd per connection; ~25 ms less lab CPU per connection, which a
    // 1000-host benchmark on two cores would otherwise charge to netfix.
    sshdArgs: ['-r'],
    hosts: made.map((m) => ({ ...m.host, dir: m.hostDir })),
  });
  // The daemon decides which distribution a (kernel, init) pair builds (sim/netfix_sim/distro.py).
  const hosts: LabHost[] = made.map((m) => ({
    ...m.host,
    distro: daemon.hosts[m.host.name]?.distro ?? 'debian12',
  }));
  return new RunningLab(slot, dir, hosts, daemon, { inventoryPath, knownHostsPath, privateKeyPath });
}

class RunningLab implements Lab {
  readonly inventoryPath: string;
  readonly knownHostsPath: string;
  readonly privateKeyPath: string;
  #stopping: Promise<void> | undefined;

  constructor(
    readonly slot: Slot,
    readonly dir: string,
    readonly hosts: LabHost[],
    readonly daemon: LabDaemon,
    paths: { inventoryPath: string; knownHostsPath: string; privateKeyPath: string },
  ) {
    this.inventoryPath = paths.inventoryPath;
    this.knownHostsPath = paths.knownHostsPath;
    this.privateKeyPath = paths.privateKeyPath;
    trackLab(this);
  }

  #hostDir(name: string): string {
    if (!this.hosts.some((h) => h.name === name)) throw new Error(`no lab host named ${name}`);
    return path.join(this.dir, 'hosts', name);
  }

  sh(host: string, script: string, options: ShOptions = {}): Promise<ShResult> {
    this.#hostDir(host);
    const state = this.daemon.hosts[host];
    if (!state || this.#stopping) return Promise.reject(new Error(`lab host ${host} is not running`));
    const fd = (n: number) => `/proc/${this.daemon.pid}/fd/${n}`;
    // nsenter execs the shell in its own process group, so a timeout can end its children too.
    const args = [
      `--mount=${fd(state.nsFds[0])}`,
      `--uts=${fd(state.nsFds[1])}`,
      '--',
      '/bin/sh',
      '-c',
      script,
    ];
    const child = spawn('nsenter', args, { env: HOST_ENV, cwd: '/', detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.stdin.on('error', () => {}); // EPIPE when the script exits before reading its stdin
    child.stdin.end(options.stdin);
    const killGroup = () => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = options.timeoutMs ? setTimeout(killGroup, options.timeoutMs) : undefined;
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({
          stdout: Buffer.concat(stdout).toString(),
          stderr: Buffer.concat(stderr).toString(),
          exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0),
        });
      });
    });
  }

  async reboot(hostNames?: string[]): Promise<void> {
    const names = hostNames ?? this.hosts.map((h) => h.name);
    await inBatches(names, 8, async (name) => {
      const r = await this.sh(name, 'reboot');
      if (r.exitCode !== 0) throw new Error(`reboot ${name} failed (${r.exitCode}): ${r.stderr}`);
    });
  }

  snapshot(host: string): Promise<Record<string, string>> {
    return snapshotHost(this.#hostDir(host));
  }

  stopHost(host: string): Promise<void> {
    this.#hostDir(host);
    return this.daemon.request('stop-host', host);
  }

  startHost(host: string): Promise<void> {
    this.#hostDir(host);
    return this.daemon.request('start-host', host);
  }

  async hangModprobe(host: string): Promise<void> {
    writeFileSync(path.join(this.#hostDir(host), 'run', 'netfix-sim', 'hang-modprobe'), '');
  }

  async releaseModprobe(host: string): Promise<void> {
    rmSync(path.join(this.#hostDir(host), 'run', 'netfix-sim', 'hang-modprobe'), { force: true });
  }

  async bootLog(host: string): Promise<string[]> {
    return journalLines(this.#hostDir(host), ['journal']);
  }

  async journal(host: string): Promise<string[]> {
    // A reboot appends the ending boot's journal to journal-archive (sim/netfix_sim/boot.py).
    return journalLines(this.#hostDir(host), ['journal-archive', 'journal']);
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const clean = await this.daemon.close();
      if (!clean) this.daemon.kill();
      reapLab(this.slot.dir); // whatever the daemon could not finish, and the slot itself
      untrackLab(this);
    })();
    return this.#stopping;
  }

  /** For process 'exit': no promises can run any more. */
  stopSync(): void {
    this.daemon.kill();
    reapLab(this.slot.dir);
    untrackLab(this);
  }
}

/** The simulator's journal files (tab-separated: time, ident, pid, unit, message) as `ident[pid]: message`. */
function journalLines(hostDir: string, files: string[]): string[] {
  let text = '';
  for (const file of files) {
    try {
      text += readFileSync(path.join(hostDir, 'run', 'netfix-sim', file), 'utf8');
    } catch {
      // no such boot yet
    }
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, ident, pid, , message] = line.split('\t');
      return pid === '0' ? `${ident}: ${message}` : `${ident}[${pid}]: ${message}`;
    });
}

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
