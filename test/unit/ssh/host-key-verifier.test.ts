import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeHostKey, preferredHostKeyAlgorithms } from '../../../src/ssh/host-key-verifier.js';
import { parseKnownHosts } from '../../../src/ssh/known-hosts.js';
import { blobOf, ecdsa, ed25519A, ed25519B, hashedLines, rsa } from './keys.js';

const host = '[10.0.0.5]:2222';

test('a recorded key is known, whichever of several lines holds it', () => {
  const file = parseKnownHosts(`${host} ${rsa.line}\n${host} ${ed25519A.line}\n`);
  const verdict = judgeHostKey(file, host, blobOf(ed25519A));
  assert.equal(verdict.status, 'known');
  assert.equal(verdict.status === 'known' && verdict.entry.line, 2);
});

test('no line for the host: unknown, even when other hosts have the same key', () => {
  const file = parseKnownHosts(`other ${ed25519A.line}\n`);
  assert.deepEqual(judgeHostKey(file, host, blobOf(ed25519A)), { status: 'unknown' });
});

test('another key of the recorded type is changed and names the recorded lines', () => {
  const file = parseKnownHosts(`${host} ${rsa.line}\n${host} ${ed25519A.line}\n`);
  const verdict = judgeHostKey(file, host, blobOf(ed25519B));
  assert.equal(verdict.status, 'changed');
  assert.deepEqual(verdict.status === 'changed' && verdict.recorded.map((entry) => entry.line), [2]);
});

test('a key of a type not recorded, for a host with recorded keys, is changed too', () => {
  const file = parseKnownHosts(`${host} ${rsa.line}\n`);
  const verdict = judgeHostKey(file, host, blobOf(ecdsa));
  assert.equal(verdict.status, 'changed');
  assert.deepEqual(verdict.status === 'changed' && verdict.recorded.map((entry) => entry.line), [1]);
});

test('@revoked wins over a line that records the same key', () => {
  const file = parseKnownHosts(`${host} ${ed25519A.line}\n@revoked * ${ed25519A.line}\n`);
  const verdict = judgeHostKey(file, host, blobOf(ed25519A));
  assert.equal(verdict.status, 'revoked');
});

test('@cert-authority lines are ignored', () => {
  const file = parseKnownHosts(`@cert-authority * ${ed25519A.line}\n`);
  assert.deepEqual(judgeHostKey(file, host, blobOf(ed25519A)), { status: 'unknown' });
});

test('hashed entries count like plain ones', () => {
  const file = parseKnownHosts(`${hashedLines.port2222}\n`);
  assert.equal(judgeHostKey(file, '[127.0.0.1]:2222', blobOf(ed25519A)).status, 'known');
  assert.equal(judgeHostKey(file, '[127.0.0.1]:2222', blobOf(ed25519B)).status, 'changed');
});

test('algorithms for recorded key types come first, the rest follow in default order', () => {
  const rsaOnly = parseKnownHosts(`${host} ${rsa.line}\n`);
  assert.deepEqual(preferredHostKeyAlgorithms(rsaOnly, host), [
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
  ]);
  const ecdsaAndEd = parseKnownHosts(`${host} ${ecdsa.line}\n${host} ${ed25519A.line}\n`);
  assert.deepEqual(preferredHostKeyAlgorithms(ecdsaAndEd, host)?.slice(0, 2), [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
  ]);
  assert.equal(preferredHostKeyAlgorithms(ecdsaAndEd, 'elsewhere'), undefined);
  // Revoked keys are not a reason to prefer their type.
  const revokedOnly = parseKnownHosts(`@revoked ${host} ${rsa.line}\n`);
  assert.equal(preferredHostKeyAlgorithms(revokedOnly, host), undefined);
});
