import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { namePatterns, quote, raw, type Sh, sh, UnquotableValueError } from '../../../src/shell/index.js';

/** Random strings biased toward what breaks shells: quotes, $, backticks, newlines, UTF-8. */
function randomValue(random: () => number): string {
  const alphabet = [
    'a',
    'Z',
    '0',
    ' ',
    "'",
    '"',
    '\\',
    '$',
    '`',
    '(',
    ')',
    '\n',
    '\t',
    ';',
    '&',
    '|',
    '*',
    '?',
    '~',
    '#',
    '!',
    '{',
    '}',
    '=',
    '-',
    'é',
    '✓',
    '\x01',
    '\x7f',
  ];
  const length = Math.floor(random() * 24);
  let text = '';
  for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

describe('quote()', () => {
  it('round-trips 2000 hostile strings exactly through a real /bin/sh (dash)', () => {
    const random = seededRandom(20261123);
    const values = Array.from({ length: 2000 }, () => randomValue(random));
    values.push('', "'", "''", "it's", '$(touch /tmp/netfix-pwned)', '`id`', '-n', '--', '\n\n');
    const script = values.map((value) => sh`printf '%s\\0' ${value}`.text).join('\n');
    const result = spawnSync('/bin/sh', ['-s'], { input: script });
    assert.equal(result.status, 0, result.stderr.toString());
    const printed = result.stdout.toString('utf8').split('\0').slice(0, -1);
    assert.deepEqual(printed, values);
  });

  it('refuses a NUL byte instead of truncating the value', () => {
    assert.throws(() => quote('a\0b'), UnquotableValueError);
  });

  it('leaves plain words bare and quotes everything else', () => {
    assert.equal(quote('br_netfilter'), 'br_netfilter');
    assert.equal(quote('/etc/modprobe.d/x.conf'), '/etc/modprobe.d/x.conf');
    assert.equal(quote('a b'), "'a b'");
    assert.equal(quote("it's"), `'it'\\''s'`);
    assert.equal(quote(''), "''");
  });
});

describe('sh tag', () => {
  it('quotes interpolations, keeps Sh fragments and joins arrays as words', () => {
    const inner = raw('echo ok');
    assert.equal(sh`x ${'a b'} ${inner} ${['c', 'd e']}`.text, "x 'a b' echo ok c 'd e'");
  });
  it('cannot be forged from a plain string', () => {
    const plain = 'echo ok' as unknown as Sh;
    assert.equal(sh`${plain}`.text, "'echo ok'");
  });
});

describe('name patterns', () => {
  it('accept real module names and refuse shell syntax and paths', () => {
    for (const name of ['br_netfilter', 'nf_conntrack', 'nf-conntrack', 'kvm_intel', '8021q'])
      assert.ok(namePatterns.kernelModule.test(name), name);
    for (const name of ['', '-r', '../x', 'a b', 'a;b', '$(x)', 'a/b', 'x'.repeat(65)])
      assert.ok(!namePatterns.kernelModule.test(name), name);
  });
});
