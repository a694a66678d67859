// Property test of quote(): whatever a value holds, `printf '%s\0' <quoted>` run by a real dash
// prints exactly that value back. Cases are batched into a few dash processes (fork+exec is the
// slow part here). NETFIX_FUZZ_SEED=<n> replays a failing run; the seed is in every failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { quote, UnquotableValueError } from '../../../src/shell/index.js';

const shell = existsSync('/bin/dash') ? '/bin/dash' : '/bin/sh';
const seed = Number(process.env.NETFIX_FUZZ_SEED ?? 20261206);
const casesPerMode = 6000;

/** mulberry32: small, fast, and the same sequence on every machine for one seed. */
function prng(initial: number): () => number {
  let state = initial >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Bytes a shell treats specially come often; the rest of 1..255 (every invalid UTF-8 lead and
// continuation byte among them) comes too.
const special = [...`'"\\$\`\n\r\t ;&|<>(){}[]*?~#!=%-`].map((char) => char.charCodeAt(0));

function randomBytes(random: () => number): Buffer {
  const length = Math.floor(random() * 40);
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) {
    bytes[index] =
      random() < 0.4 ? special[Math.floor(random() * special.length)]! : 1 + Math.floor(random() * 255);
  }
  return bytes;
}

function randomUnicode(random: () => number): string {
  const length = Math.floor(random() * 30);
  let text = '';
  for (let index = 0; index < length; index++) {
    const pick = random();
    if (pick < 0.4) text += String.fromCharCode(special[Math.floor(random() * special.length)]!);
    else if (pick < 0.7) text += String.fromCharCode(0x80 + Math.floor(random() * 0x780));
    else if (pick < 0.9) {
      const code = 0x800 + Math.floor(random() * (0xfffe - 0x800));
      text += String.fromCharCode(code >= 0xd800 && code <= 0xdfff ? code - 0x800 : code);
    } else text += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
  }
  return text;
}

/** One dash for every case: each prints its value and a NUL; the output is split at the NULs. */
function roundTrip(scripts: Buffer[]): Buffer[] {
  const result = spawnSync(shell, ['-s'], { input: Buffer.concat(scripts), maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `seed ${seed}: ${shell} failed: ${result.stderr.toString()}`);
  const out: Buffer[] = [];
  let start = 0;
  for (let index = 0; index < result.stdout.length; index++) {
    if (result.stdout[index] === 0) {
      out.push(result.stdout.subarray(start, index));
      start = index + 1;
    }
  }
  return out;
}

function assertSame(values: Buffer[], printed: Buffer[], shown: (index: number) => string): void {
  assert.equal(
    printed.length,
    values.length,
    `seed ${seed}: ${printed.length} values back of ${values.length}`,
  );
  for (const [index, value] of values.entries()) {
    if (!value.equals(printed[index]!))
      assert.fail(
        `seed ${seed}, case ${index}: ${shown(index)} came back as ${JSON.stringify(printed[index]!.toString('latin1'))}`,
      );
  }
}

describe(`quote() round trip through ${shell} (seed ${seed}; NETFIX_FUZZ_SEED replays)`, () => {
  it(`${casesPerMode} strings of arbitrary bytes 1..255, invalid UTF-8 included`, () => {
    const random = prng(seed);
    // A latin1 string holds one byte per character and quote() adds only ASCII, so encoding the
    // script as latin1 sends each value's bytes unchanged: this tests the quoting, byte by byte.
    const values = Array.from({ length: casesPerMode }, () => randomBytes(random));
    values.push(Buffer.from([0xff, 0xfe, 0x27, 0x5c, 0x0a, 0xc3]), Buffer.from("'\\''"), Buffer.alloc(0));
    const scripts = values.map((value) =>
      Buffer.from(`printf '%s\\0' ${quote(value.toString('latin1'))}\n`, 'latin1'),
    );
    assertSame(values, roundTrip(scripts), (index) => JSON.stringify(values[index]!.toString('latin1')));
  });

  it(`${casesPerMode} Unicode strings (multi-byte and astral characters), sent as UTF-8 as netfix sends scripts`, () => {
    const random = prng(seed ^ 0x5bd1e995);
    const texts = Array.from({ length: casesPerMode }, () => randomUnicode(random));
    texts.push('✓ é 𝄞', "it's", '$(touch /tmp/netfix-pwned)', '`id`', '-n', '\\', '\n');
    const scripts = texts.map((text) => Buffer.from(`printf '%s\\0' ${quote(text)}\n`, 'utf8'));
    const values = texts.map((text) => Buffer.from(text, 'utf8'));
    assertSame(values, roundTrip(scripts), (index) => JSON.stringify(texts[index]));
  });

  it('refuses a NUL byte anywhere, with an error that says so', () => {
    const random = prng(seed + 1);
    for (let round = 0; round < 200; round++) {
      const text = randomUnicode(random);
      const at = Math.floor(random() * (text.length + 1));
      assert.throws(
        () => quote(`${text.slice(0, at)}\0${text.slice(at)}`),
        (error: unknown) => error instanceof UnquotableValueError && /NUL byte/.test(error.message),
        `seed ${seed}, round ${round}`,
      );
    }
  });

  it('refuses half a surrogate pair, which UTF-8 would turn into U+FFFD', () => {
    for (const text of ['a\ud800', '\udc00b', 'x\udbff\ud800y'])
      assert.throws(() => quote(text), /surrogate/);
    assert.equal(quote('𝄞'), `'𝄞'`);
  });
});
