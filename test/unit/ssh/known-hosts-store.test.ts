import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseKnownHosts } from '../../../src/ssh/known-hosts.js';
import { loadKnownHosts, recordNewHostKey } from '../../../src/ssh/known-hosts-store.js';
import { blobOf, ed25519A, ed25519B, rsa } from './keys.js';

// The store on a temp file: what a fleet run does when hundreds of new hosts answer at once.

const dir = await mkdtemp(join(tmpdir(), 'netfix-known-hosts-'));
after(() => rm(dir, { recursive: true, force: true }));

test('many hosts recorded at once give one whole line each, and duplicates none', async () => {
  const file = join(dir, 'many', 'known_hosts'); // the directory does not exist yet
  const hosts = Array.from({ length: 60 }, (_, index) => `[10.0.${index >> 8}.${index & 255}]:2222`);
  const outcomes = await Promise.all(
    [...hosts, ...hosts].map((host, index) =>
      recordNewHostKey(file, host, blobOf(index % 2 ? rsa : ed25519A)),
    ),
  );
  // The second request for a host finds the first one's key: known, or changed when it differs.
  assert.equal(outcomes.filter((outcome) => outcome.status === 'recorded').length, hosts.length);
  const parsed = parseKnownHosts(await readFile(file, 'utf8'));
  assert.deepEqual(parsed.invalidLines, []);
  assert.equal(parsed.entries.length, hosts.length);
  assert.deepEqual((await loadKnownHosts(file)).entries.length, hosts.length);
});

test('a key for a host that got a different one meanwhile is reported as changed, not appended', async () => {
  const file = join(dir, 'race');
  await writeFile(file, `web1 ${ed25519A.line}\n`);
  const outcome = await recordNewHostKey(file, 'web1', blobOf(ed25519B));
  assert.equal(outcome.status, 'changed');
  assert.equal(await readFile(file, 'utf8'), `web1 ${ed25519A.line}\n`);
});

test('a missing file reads as empty and the cache follows changes', async () => {
  const file = join(dir, 'later');
  assert.equal((await loadKnownHosts(file)).entries.length, 0);
  await writeFile(file, `web1 ${ed25519A.line}\n`);
  assert.equal((await loadKnownHosts(file)).entries.length, 1);
  await writeFile(file, `web1 ${ed25519A.line}\nweb2 ${rsa.line}\n`);
  assert.equal((await loadKnownHosts(file)).entries.length, 2);
});
