import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  entriesForHost,
  entryMatchesHost,
  formatKnownHostsLine,
  type KnownHostsFile,
  knownHostsName,
  parseKnownHosts,
} from '../../../src/ssh/known-hosts.js';
import { blobOf, ecdsa, ed25519A, ed25519B, hashedLines, rsa } from './keys.js';

// Through the lookup the verifier uses (an index of plain names, the other entries tried one by one).
function hostsMatching(file: KnownHostsFile, hostName: string): number[] {
  return entriesForHost(file, hostName).map((entry) => entry.line);
}

test('names: [host]:port unless the port is 22, lower case', () => {
  assert.equal(knownHostsName('Web1.Example.com', 22), 'web1.example.com');
  assert.equal(knownHostsName('10.0.0.5', 2222), '[10.0.0.5]:2222');
  assert.equal(knownHostsName('::1', 2222), '[::1]:2222');
});

test('plain names, comma lists and [host]:port entries', () => {
  const file = parseKnownHosts(
    [
      `web1.example.com,10.0.0.5 ${ed25519A.line} comment here`,
      `[10.0.0.5]:2222 ${rsa.line}`,
      `WEB2.example.com\t${ecdsa.line}`,
    ].join('\n'),
  );
  assert.deepEqual(file.invalidLines, []);
  assert.deepEqual(hostsMatching(file, 'web1.example.com'), [1]);
  assert.deepEqual(hostsMatching(file, '10.0.0.5'), [1]);
  assert.deepEqual(hostsMatching(file, '[10.0.0.5]:2222'), [2]);
  // A [host]:port entry never answers for port 22, nor a plain entry for another port.
  assert.deepEqual(hostsMatching(file, '[web1.example.com]:2222'), []);
  assert.deepEqual(hostsMatching(file, 'web2.example.com'), [3]);
  assert.equal(file.entries[2]?.keyType, 'ecdsa-sha2-nistp256');
});

test('hashed entries written by ssh-keygen -H match their host and no other', () => {
  const file = parseKnownHosts(`${hashedLines.port2222}\n${hashedLines.web1}\n`);
  assert.deepEqual(file.invalidLines, []);
  assert.deepEqual(hostsMatching(file, '[127.0.0.1]:2222'), [1]);
  assert.deepEqual(hostsMatching(file, '127.0.0.1'), []);
  assert.deepEqual(hostsMatching(file, '[127.0.0.1]:2223'), []);
  assert.deepEqual(hostsMatching(file, 'web1.example.com'), [2]);
  assert.ok(file.entries[0]?.keyBlob.equals(blobOf(ed25519A)));
});

test('wildcards and negation follow ssh: a matching !pattern excludes the host', () => {
  const file = parseKnownHosts(`*.example.com,!bad.example.com,10.0.0.? ${ed25519A.line}\n`);
  assert.deepEqual(hostsMatching(file, 'web1.example.com'), [1]);
  assert.deepEqual(hostsMatching(file, 'bad.example.com'), []);
  assert.deepEqual(hostsMatching(file, '10.0.0.7'), [1]);
  assert.deepEqual(hostsMatching(file, '10.0.0.17'), []);
  assert.deepEqual(hostsMatching(file, 'example.org'), []);
});

test('the name index gives what checking every line gives, in file order', () => {
  const file = parseKnownHosts(
    [
      `web1.example.com,10.0.0.5 ${ed25519A.line}`,
      `*.example.com,!bad.example.com ${rsa.line}`,
      hashedLines.web1,
      `Web1.Example.com ${ecdsa.line}`,
      `bad.example.com ${ed25519B.line}`,
      `10.0.0.? ${ed25519B.line}`,
      `web1.example.com,web1.example.com ${rsa.line}`,
    ].join('\n'),
  );
  const names = ['web1.example.com', 'bad.example.com', '10.0.0.5', '10.0.0.55', 'web9.example.com', 'other'];
  for (const name of names) {
    const everyLine = file.entries
      .filter((entry) => entryMatchesHost(entry, name))
      .map((entry) => entry.line);
    assert.deepEqual(hostsMatching(file, name), everyLine, name);
  }
  assert.deepEqual(hostsMatching(file, 'web1.example.com'), [1, 2, 3, 4, 7]);
  assert.deepEqual(hostsMatching(file, 'bad.example.com'), [5]);
});

test('markers, comments, blank lines and several keys per host', () => {
  const file = parseKnownHosts(
    [
      '# a comment',
      '',
      `   web1 ${ed25519A.line}`,
      `web1 ${rsa.line}`,
      `@revoked * ${ed25519B.line}`,
      `@cert-authority *.example.com ${ecdsa.line}`,
    ].join('\n'),
  );
  assert.deepEqual(file.invalidLines, []);
  assert.deepEqual(
    file.entries.map((entry) => [entry.line, entry.marker, entry.keyType]),
    [
      [3, null, 'ssh-ed25519'],
      [4, null, 'ssh-rsa'],
      [5, 'revoked', 'ssh-ed25519'],
      [6, 'cert-authority', 'ecdsa-sha2-nistp256'],
    ],
  );
});

test('damaged lines are reported by number and skipped', () => {
  const file = parseKnownHosts(
    [
      'web1', // no key
      `web1 ssh-rsa ${ed25519A.line.split(' ')[1]}`, // type differs from the blob's
      'web1 ssh-ed25519 not*base64',
      `@unknown-marker web1 ${ed25519A.line}`,
      `|1|short|hash ${ed25519A.line}`,
      `web1 ${ed25519A.line}`,
      'web1 1024 35 1234567890', // SSH1 RSA, long gone
    ].join('\n'),
  );
  assert.deepEqual(file.invalidLines, [1, 2, 3, 4, 5, 7]);
  assert.deepEqual(
    file.entries.map((entry) => entry.line),
    [6],
  );
});

test('a formatted line parses back to the same host and key', () => {
  const line = formatKnownHostsLine('[10.0.0.5]:2222', blobOf(ecdsa));
  assert.equal(line, `[10.0.0.5]:2222 ${ecdsa.line}\n`);
  const file = parseKnownHosts(line);
  assert.deepEqual(hostsMatching(file, '[10.0.0.5]:2222'), [1]);
  assert.ok(file.entries[0]?.keyBlob.equals(blobOf(ecdsa)));
});
