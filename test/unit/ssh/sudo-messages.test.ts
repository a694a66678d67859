import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifySudoFailure } from '../../../src/ssh/sudo-messages.js';

function classify(stderr: string, exitCode: number | null = 1) {
  return classifySudoFailure({ stderr, exitCode, loginUser: 'deploy', becomeUser: 'root' });
}

test('each sudo refusal is recognised, across sudo versions and shells', () => {
  const cases: [string, string][] = [
    ['sudo: a password is required\n', 'password-required'],
    ['sudo: sorry, a password is required to run sudo\n', 'password-required'], // sudo 1.8.6, RHEL 6
    [
      'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n',
      'password-required',
    ],
    ['sudo: no tty present and no askpass program specified\n', 'password-required'],
    ['sudo: sorry, you must have a tty to run sudo\n', 'tty-required'],
    ['deploy is not in the sudoers file.  This incident will be reported.\n', 'not-in-sudoers'],
    ['deploy is not in the sudoers file.\n', 'not-in-sudoers'],
    ["Sorry, user deploy is not allowed to execute '/bin/sh -s' as root on web1.\n", 'not-allowed'],
    ['sudo: unknown user nobody2\nsudo: error initializing audit plugin sudoers_audit\n', 'unknown-user'],
    ['bash: line 1: sudo: command not found\n', 'sudo-missing'],
    ['bash: sudo: command not found\n', 'sudo-missing'],
    ['sh: 1: sudo: not found\n', 'sudo-missing'],
    ['zsh:1: command not found: sudo\n', 'sudo-missing'],
  ];
  for (const [stderr, kind] of cases) {
    assert.equal(classify(stderr, stderr.includes('not found') ? 127 : 1)?.kind, kind, stderr);
  }
});

test('the explanation carries the fix and the line quotes the host', () => {
  const password = classify('Could not chdir to home directory /x\nsudo: a password is required\n');
  assert.match(password?.explanation ?? '', /deploy ALL=\(root\) NOPASSWD: ALL/);
  assert.equal(password?.line, 'sudo: a password is required');
  assert.match(
    classify('sudo: sorry, you must have a tty to run sudo')?.explanation ?? '',
    /Defaults:deploy !requiretty/,
  );
  assert.match(classify('sh: 1: sudo: not found', 127)?.explanation ?? '', /apt-get install sudo/);
});

test('anything else, or a zero exit, is not a sudo refusal', () => {
  assert.equal(classify('sudo: a password is required\n', 0), undefined);
  assert.equal(classify('modprobe: FATAL: Module nf_conntrack_ipv4 not found.\n'), undefined);
  assert.equal(classify(''), undefined);
  assert.equal(classify('mysudo: not found\n', 127), undefined);
});
