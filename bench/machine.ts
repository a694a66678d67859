// What the bench ran on: the numbers mean little without it (2 cores shared by the controller,
// the relays and every simulated host).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  openssh: string;
  ansible: string | null;
  mitogen: string | null;
  /** 1-minute load average when the bench started: other work on the machine shows here. */
  loadAtStart: number;
}

function firstLine(command: string, args: string[]): string | null {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0 && !r.stderr) return null;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? null;
}

function dpkgVersion(pkg: string): string | null {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query field syntax
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? `${pkg} ${r.stdout}` : null;
}

export function describeMachine(): Machine {
  const release = readFileSync('/etc/os-release', 'utf8');
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    os: /^PRETTY_NAME="?([^"\n]*)/m.exec(release)?.[1] ?? 'unknown',
    node: process.version,
    openssh: firstLine('ssh', ['-V']) ?? 'unknown',
    ansible: firstLine('ansible', ['--version']),
    mitogen: dpkgVersion('ansible-mitogen'),
    loadAtStart: os.loadavg()[0] ?? 0,
  };
}
