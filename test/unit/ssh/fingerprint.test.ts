import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeKey, fingerprintSha256, keyBlobType } from '../../../src/ssh/fingerprint.js';
import { blobOf, ecdsa, ed25519A, rsa } from './keys.js';

test('fingerprints match ssh-keygen -l for each key type', () => {
  for (const key of [ed25519A, rsa, ecdsa]) {
    assert.equal(fingerprintSha256(blobOf(key)), key.fingerprint);
  }
});

test('the key type is read from the blob and labelled as ssh-keygen does', () => {
  assert.equal(keyBlobType(blobOf(rsa)), 'ssh-rsa');
  assert.equal(describeKey(blobOf(ed25519A)), `ED25519 key ${ed25519A.fingerprint}`);
  assert.equal(describeKey(blobOf(rsa)), `RSA key ${rsa.fingerprint}`);
  assert.equal(describeKey(blobOf(ecdsa)), `ECDSA key ${ecdsa.fingerprint}`);
});

test('a blob too short or with a silly length has no type', () => {
  assert.equal(keyBlobType(Buffer.from([0, 0, 0])), undefined);
  assert.equal(keyBlobType(Buffer.from([0, 0, 0, 9, 0x61])), undefined);
  assert.equal(keyBlobType(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x61])), undefined);
});
