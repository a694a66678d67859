// The probe prelude's helpers run by /bin/sh, and parseProbeOutput on what they print: nf_once
// runs a command once per script however many sections ask for it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseProbeOutput, probePrelude } from '../../../src/modules/index.js';

const nonce = 'TestNonce123';

function run(sections: Record<string, string>): string {
  const body = Object.entries(sections)
    .map(([id, probe]) => `printf '%sSECTION %s\\n' "$M" '${id}'\n${probe}`)
    .join('\n');
  return execFileSync('/bin/sh', ['-s'], {
    input: `${probePrelude(nonce).text}\n${body}\n`,
    encoding: 'utf8',
  });
}

describe('nf_once', () => {
  it('runs the command once; every section gets the record under its own name, and $nf_rc', () => {
    // Each run appends to a counter: the output says how many times the command ran.
    const count = 'nf_count=$((nf_count + 1)); echo "run $nf_count"; return 3';
    const stdout = run({
      a: `counted() { ${count}; }\nnf_once counted:x first counted; nf_kv rc "$nf_rc"`,
      b: 'nf_cmd other true; nf_once counted:x second counted; nf_kv rc "$nf_rc"',
      c: 'nf_once counted:y third counted; nf_kv rc "$nf_rc"',
    });
    const records = parseProbeOutput(stdout, nonce);
    assert.deepEqual(records.get('a')?.commands.get('first'), {
      name: 'first',
      exitCode: 3,
      output: 'run 1\n',
    });
    assert.deepEqual(records.get('b')?.commands.get('second'), {
      name: 'second',
      exitCode: 3,
      output: 'run 1\n',
    });
    assert.equal(records.get('b')?.values.get('rc'), '3', 'the first run exit code, not the last command');
    assert.equal(
      records.get('b')?.commands.has('first'),
      false,
      'a section sees only the names it asked for',
    );
    // Another key is another command.
    assert.deepEqual(records.get('c')?.commands.get('third'), {
      name: 'third',
      exitCode: 3,
      output: 'run 2\n',
    });
    assert.equal(stdout.split('run 1').length, 2, 'printed once');
  });
});

describe('output cut off', () => {
  it('a command whose END line never came did not succeed, whatever it printed', () => {
    const stdout = run({ a: 'nf_cmd fine true; nf_cmd cut echo partial' });
    const cut = stdout.slice(0, stdout.lastIndexOf(`\x1e${nonce}END`));
    const records = parseProbeOutput(cut, nonce).get('a');
    assert.equal(records?.commands.get('fine')?.exitCode, 0);
    assert.equal(records?.commands.get('cut')?.exitCode, -1);
    assert.match(records?.commands.get('cut')?.output ?? '', /^partial\n/);
  });
});
