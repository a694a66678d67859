import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConnectAttempt, connectErrorFrom, type Ssh2Error } from '../../../src/ssh/connect-errors.js';

const attempt: ConnectAttempt = {
  target: { name: 'web1', address: '10.0.0.5', port: 2222, user: 'deploy' },
  connectTimeoutMs: 10_000,
  authMethod: 'publickey with /keys/id_ed25519',
  serverAuthMethods: ['publickey', 'password'],
};

function failure(message: string, fields: { code?: string; level?: string }): Ssh2Error {
  return Object.assign(new Error(message), fields);
}

test('socket errors map to reasons, naming host, address:port and cause', () => {
  const cases: [Ssh2Error, string][] = [
    [
      failure('connect ECONNREFUSED 10.0.0.5:2222', { code: 'ECONNREFUSED', level: 'client-socket' }),
      'refused',
    ],
    [
      failure('connect EHOSTUNREACH 10.0.0.5:2222', { code: 'EHOSTUNREACH', level: 'client-socket' }),
      'host-unreachable',
    ],
    [
      failure('connect ENETUNREACH 10.0.0.5:2222', { code: 'ENETUNREACH', level: 'client-socket' }),
      'host-unreachable',
    ],
    [failure('getaddrinfo ENOTFOUND web1', { code: 'ENOTFOUND', level: 'client-socket' }), 'dns'],
    [failure('connect ETIMEDOUT 10.0.0.5:2222', { code: 'ETIMEDOUT', level: 'client-socket' }), 'timeout'],
    [failure('Timed out while waiting for handshake', { level: 'client-timeout' }), 'timeout'],
    [failure('read ECONNRESET', { code: 'ECONNRESET', level: 'client-socket' }), 'protocol'],
    [failure('Connection lost before handshake', { level: 'protocol' }), 'protocol'],
    [failure('Handshake failed: no matching key exchange algorithm', { level: 'handshake' }), 'protocol'],
  ];
  for (const [error, reason] of cases) {
    const mapped = connectErrorFrom(error, attempt);
    assert.equal(mapped.reason, reason, error.message);
    assert.ok(mapped.message.startsWith('web1 (10.0.0.5:2222): '), mapped.message);
    assert.ok(mapped.message.includes(error.code ?? error.message), mapped.message);
  }
});

test('authentication failure names the user, what was tried and what the server accepts', () => {
  const mapped = connectErrorFrom(
    failure('All configured authentication methods failed', { level: 'client-authentication' }),
    attempt,
  );
  assert.equal(mapped.reason, 'auth');
  assert.equal(
    mapped.message,
    'web1 (10.0.0.5:2222): authentication as deploy failed: tried publickey with /keys/id_ed25519; ' +
      'the server accepts: publickey, password',
  );
});

test('IPv6 addresses are bracketed', () => {
  const mapped = connectErrorFrom(failure('refused', { code: 'ECONNREFUSED' }), {
    ...attempt,
    target: { ...attempt.target, address: 'fd00::5', port: 22 },
  });
  assert.ok(mapped.message.startsWith('web1 ([fd00::5]:22): '), mapped.message);
});
