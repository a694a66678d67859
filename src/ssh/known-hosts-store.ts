import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type HostKeyVerdict, judgeHostKey } from './host-key-verifier.js';
import {
  emptyKnownHosts,
  formatKnownHostsLine,
  type KnownHostsFile,
  parseKnownHosts,
} from './known-hosts.js';

// The known_hosts file on disk. A fleet run connects to hundreds of hosts at once, so the file
// is parsed once and re-read only when it changes (inode, size or mtime), and new keys are
// appended one at a time per file.

const parsedByPath = new Map<string, { stamp: string; parsed: Promise<KnownHostsFile> }>();
const appendsByPath = new Map<string, Promise<unknown>>();

export async function loadKnownHosts(path: string): Promise<KnownHostsFile> {
  let stamp: string;
  try {
    const info = await stat(path);
    stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch (error) {
    // No file yet is the normal first run: every key is simply unknown.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyKnownHosts;
    throw error;
  }
  const cached = parsedByPath.get(path);
  if (cached?.stamp === stamp) return cached.parsed;
  const parsed = readFile(path, 'utf8').then(parseKnownHosts);
  const slot = { stamp, parsed };
  parsedByPath.set(path, slot);
  // A failed read must not stick: the next connect tries again.
  parsed.catch(() => parsedByPath.get(path) === slot && parsedByPath.delete(path));
  return parsed;
}

export type RecordOutcome = { status: 'recorded' } | HostKeyVerdict;

/**
 * Appends `hostName keytype base64` unless the file (as it is now, not as it was when the
 * connection started) already decides the key: another connection to the same host may have
 * recorded it meanwhile, or recorded a different key, which is then reported as changed.
 */
export function recordNewHostKey(path: string, hostName: string, keyBlob: Buffer): Promise<RecordOutcome> {
  const previous = appendsByPath.get(path) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async (): Promise<RecordOutcome> => {
      const verdict = judgeHostKey(await loadKnownHosts(path), hostName, keyBlob);
      if (verdict.status !== 'unknown') return verdict;
      await appendLine(path, formatKnownHostsLine(hostName, keyBlob));
      return { status: 'recorded' };
    });
  appendsByPath.set(path, next);
  return next;
}

async function appendLine(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // 'a+' is O_APPEND: other processes appending at the same time cannot overwrite this line.
  const file = await open(path, 'a+', 0o600);
  try {
    const { size } = await file.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await file.read(last, 0, 1, size - 1);
      // A hand-edited file may lack its final newline; without one this line would join the last.
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await file.write(prefix + line);
  } finally {
    await file.close();
  }
}
