import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandTokens, resolveTarget } from '../../../src/ssh/resolve-target.js';
import {
  parseJumpList,
  parseSshConfig,
  proxyJumpInSshArgs,
  sshConfigFor,
} from '../../../src/ssh/ssh-config.js';
import { ConnectError, type ConnectOptions, type ConnectTarget } from '../../../src/ssh/transport.js';

const config = (text: string) => parseSshConfig(text, '/home/op/.ssh/config');

test('first value wins; a global line applies to every host; IdentityFile adds up', () => {
  const parsed = config(
    [
      'User everyone',
      'Host web*',
      '  HostName %h.example.com',
      '  Port 2222',
      '  IdentityFile ~/.ssh/web',
      'Host *',
      '  Port 22',
      '  User later',
      '  IdentityFile ~/.ssh/id_ed25519',
    ].join('\n'),
  );
  assert.deepEqual(parsed.warnings, []);
  const web = sshConfigFor(parsed, 'web1');
  assert.equal(web.hostName, '%h.example.com');
  assert.equal(web.port, 2222);
  assert.equal(web.user, 'everyone');
  assert.deepEqual(web.identityFiles, ['~/.ssh/web', '~/.ssh/id_ed25519']);
  assert.equal(web.origins.port, '/home/op/.ssh/config:4');
  const db = sshConfigFor(parsed, 'db1');
  assert.equal(db.port, 22);
  assert.equal(db.hostName, undefined);
});

test('Host patterns: several per line, ? and *, !negation rules a host out, case-insensitive', () => {
  const parsed = config('Host hv?? !hv13 bastion\n  User ops\nHost *\n  User other\n');
  assert.equal(sshConfigFor(parsed, 'hv12').user, 'ops');
  assert.equal(sshConfigFor(parsed, 'HV12').user, 'ops');
  assert.equal(sshConfigFor(parsed, 'hv13').user, 'other');
  assert.equal(sshConfigFor(parsed, 'hv123').user, 'other');
  assert.equal(sshConfigFor(parsed, 'bastion').user, 'ops');
  // A list of negations alone matches nothing, as in ssh.
  assert.equal(sshConfigFor(config('Host !a\n User x\n'), 'b').user, undefined);
});

test('Keyword=value, quotes, comments, and unknown keywords ignored', () => {
  const parsed = config(
    [
      '# comment',
      'Host a',
      '  Port=2200',
      '  User = quoted',
      '  IdentityFile "/keys/with space/id"  # trailing',
      '  ForwardAgent yes',
      '  UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2',
      '  StrictHostKeyChecking accept-new',
    ].join('\n'),
  );
  const a = sshConfigFor(parsed, 'a');
  assert.equal(a.port, 2200);
  assert.equal(a.user, 'quoted');
  assert.deepEqual(a.identityFiles, ['/keys/with space/id']);
  assert.deepEqual(a.userKnownHostsFiles, ['~/.ssh/kh1', '~/.ssh/kh2']);
  assert.equal(a.strictHostKeyChecking, 'accept-new');
});

test('Include and Match are reported; a Match block is applied to no host', () => {
  const parsed = config(
    ['Include ~/.ssh/conf.d/*', 'Match host web*', '  User fromMatch', 'Host web1', '  User ok'].join('\n'),
  );
  assert.deepEqual(
    parsed.warnings.map((w) => `${w.line}: ${w.message.split(':')[0]}`),
    ['1: Include is not supported', '2: Match is not supported'],
  );
  assert.equal(sshConfigFor(parsed, 'web1').user, 'ok');
  assert.equal(sshConfigFor(parsed, 'web2').user, undefined);
});

test('bad values are problems, not silently used', () => {
  const problems: string[] = [];
  const found = sshConfigFor(config('Port 99999\nStrictHostKeyChecking maybe\n'), 'x', problems);
  assert.equal(found.port, undefined);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /config:1: Port 99999/);
});

test('ProxyJump and ProxyCommand: whichever comes first', () => {
  const parsed = config('Host a\n ProxyCommand nc %h %p\n ProxyJump b\nHost *\n ProxyJump bastion\n');
  assert.equal(sshConfigFor(parsed, 'a').proxyCommand, 'nc %h %p');
  assert.equal(sshConfigFor(parsed, 'a').proxyJump, undefined);
  assert.equal(sshConfigFor(parsed, 'z').proxyJump, 'bastion');
});

test('jump lists: user@host:port, chains, ssh:// and [v6]:port, none', () => {
  assert.deepEqual(parseJumpList('ops@bastion:2222,inner'), {
    hops: [{ user: 'ops', host: 'bastion', port: 2222 }, { host: 'inner' }],
  });
  assert.deepEqual(parseJumpList('ssh://root@[fd00::1]:22'), {
    hops: [{ user: 'root', host: 'fd00::1', port: 22 }],
  });
  assert.deepEqual(parseJumpList('none'), { hops: [] });
  assert.ok('error' in parseJumpList('a:99999'));
  assert.ok('error' in parseJumpList('-oProxyCommand=x'));
  assert.ok('error' in parseJumpList('a,,b'));
});

test('ProxyJump in ansible_ssh_common_args', () => {
  assert.deepEqual(proxyJumpInSshArgs('-o StrictHostKeyChecking=no -o ProxyJump=ops@b:2200'), {
    proxyJump: 'ops@b:2200',
    unsupported: [],
  });
  assert.deepEqual(proxyJumpInSshArgs('-J b1,b2'), { proxyJump: 'b1,b2', unsupported: [] });
  assert.deepEqual(proxyJumpInSshArgs('-oProxyCommand="ssh -W %h:%p b"').unsupported, ['ProxyCommand']);
});

const local = { home: '/home/op', name: 'op' };
const baseOptions: ConnectOptions = {
  knownHostsFile: '/home/op/.ssh/known_hosts',
  acceptNewHostKeys: false,
  connectTimeoutMs: 10_000,
};
const target = (overrides: Partial<ConnectTarget> = {}): ConnectTarget => ({
  name: 'hv1',
  address: 'hv1',
  port: 22,
  user: 'op',
  defaulted: { port: true, user: true },
  ...overrides,
});

test('resolution: the inventory beats ssh config, which beats the defaults', () => {
  const sshConfig = config(
    'Host hv1\n HostName 10.0.0.1\n Port 2222\n User admin\n IdentityFile ~/.ssh/fleet\n UserKnownHostsFile ~/.ssh/fleet_hosts\n',
  );
  const options = { ...baseOptions, sshConfig };
  const fromConfig = resolveTarget(target(), options, local).endpoint;
  assert.deepEqual(
    { ...fromConfig },
    {
      name: 'hv1',
      address: '10.0.0.1',
      port: 2222,
      user: 'admin',
      privateKeyFile: '/home/op/.ssh/fleet',
      knownHostsFile: '/home/op/.ssh/fleet_hosts',
      acceptNewHostKeys: false,
    },
  );
  const fromInventory = resolveTarget(
    target({ port: 22, user: 'root', privateKeyFile: '/inv/key', defaulted: { port: false, user: false } }),
    { ...options, knownHostsFileFromFlag: true },
    local,
  ).endpoint;
  assert.equal(fromInventory.address, '10.0.0.1');
  assert.equal(fromInventory.port, 22);
  assert.equal(fromInventory.user, 'root');
  assert.equal(fromInventory.privateKeyFile, '/inv/key');
  assert.equal(fromInventory.knownHostsFile, '/home/op/.ssh/known_hosts');
});

test('StrictHostKeyChecking: accept-new and no record new keys; yes and ask do not', () => {
  for (const [value, accept] of [
    ['accept-new', true],
    ['no', true],
    ['yes', false],
    ['ask', false],
  ] as const) {
    const sshConfig = config(`StrictHostKeyChecking ${value}\n`);
    assert.equal(
      resolveTarget(target(), { ...baseOptions, sshConfig }, local).endpoint.acceptNewHostKeys,
      accept,
    );
  }
});

test('jump hosts: from the inventory before ssh config, each hop looked up in ssh config', () => {
  const sshConfig = config(
    'Host bastion\n HostName 192.0.2.1\n User jump\n Port 2200\n IdentityFile /keys/bastion\nHost hv*\n ProxyJump other\n',
  );
  const resolved = resolveTarget(
    target({ proxyJump: 'bastion,root@inner:23', privateKeyFile: '/keys/fleet' }),
    { ...baseOptions, sshConfig },
    local,
  );
  assert.deepEqual(
    resolved.jumps.map((hop) => [hop.name, hop.user, hop.address, hop.port, hop.privateKeyFile]),
    [
      ['bastion', 'jump', '192.0.2.1', 2200, '/keys/bastion'],
      // No IdentityFile of its own: the key of the host behind it.
      ['inner', 'root', 'inner', 23, '/keys/fleet'],
    ],
  );
  assert.deepEqual(
    resolveTarget(target(), { ...baseOptions, sshConfig }, local).jumps.map((hop) => hop.name),
    ['other'],
  );
  assert.deepEqual(
    resolveTarget(target({ proxyJump: 'none' }), { ...baseOptions, sshConfig }, local).jumps,
    [],
  );
});

test('a host that needs ProxyCommand fails with a message, rather than connecting directly', () => {
  const sshConfig = config('Host hv1\n ProxyCommand ssh -W %h:%p b\n');
  assert.throws(
    () => resolveTarget(target(), { ...baseOptions, sshConfig }, local),
    (error: unknown) =>
      error instanceof ConnectError && /ProxyCommand, which netfix does not run/.test(error.message),
  );
});

test('token expansion', () => {
  assert.equal(expandTokens('~/.ssh/id_%r@%h', { h: 'hv1', r: 'root' }, local), '/home/op/.ssh/id_root@hv1');
  assert.equal(expandTokens('%d/%u/100%%/%x', {}, local), '/home/op/op/100%/%x');
});
