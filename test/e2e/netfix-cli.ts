// Runs the real netfix binary (bin/netfix.js over the bundle, dist/bundle/) as a user would, against
// lab hosts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/engine/index.js';
import type { Lab } from '../lab/index.js';

const repoRoot = new URL('../../', import.meta.url).pathname;

// Every apply records its run in the history under the state dir: a test file's runs go to a
// directory of its own, never to the machine's /var/lib/netfix, and it is removed at exit.
if (!process.env.NETFIX_STATE_DIR) {
  const stateDir = mkdtempSync(join(tmpdir(), 'netfix-e2e-state-'));
  process.env.NETFIX_STATE_DIR = stateDir;
  process.on('exit', () => rmSync(stateDir, { recursive: true, force: true }));
}
export const netfixBin = join(repoRoot, 'bin', 'netfix.js');

export interface NetfixRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runNetfix(
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<NetfixRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [netfixBin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'netfix-e2e-'));
}

/** A playbook file in a scratch dir; returns its path. */
export function writePlaybook(dir: string, name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

/** The flags every lab run needs: the lab's inventory and known_hosts. */
export function labFlags(lab: Lab): string[] {
  return ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
}

export async function readReport(path: string): Promise<RunResult> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(path, 'utf8')) as RunResult;
}

export async function labValue(lab: Lab, host: string, path: string): Promise<string> {
  const result = await lab.sh(host, `cat ${path} 2>&1`);
  return result.stdout.trim();
}

/**
 * Waits until a process whose command line contains `text` runs inside that lab host. The lab has
 * no pid namespace, so `ps` shows every lab on the machine: a process counts only when it shares
 * the host's mount namespace.
 */
export async function waitForHostProcess(lab: Lab, host: string, text: string): Promise<void> {
  const script = `me=$(readlink /proc/$$/ns/mnt)
for p in /proc/[0-9]*; do
  [ "$p" = "/proc/$$" ] && continue  # this script holds the text too
  [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$me" ] || continue
  case "$(tr '\\0' ' ' < "$p/cmdline" 2>/dev/null)" in *"$1"*) echo found; exit 0;; esac
done`;
  for (let attempt = 0; attempt < 150; attempt++) {
    const found = await lab.sh(host, `set -- '${text.replaceAll("'", `'\\''`)}'\n${script}`);
    if (found.stdout.includes('found')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no process with "${text}" started on ${host}`);
}

/**
 * A TCP listener on loopback that counts and drops connections: the hosts of an inventory that
 * must never be contacted (bad input) point at it.
 */
export async function connectionCounter(): Promise<{
  port: number;
  count(): number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    count: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
