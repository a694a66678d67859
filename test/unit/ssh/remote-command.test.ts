import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalError } from '../../../src/errors.js';
import { raw } from '../../../src/shell/index.js';
import {
  diagnoseAndKillScript,
  remoteCommand,
  takeStartMarker,
  wrapScript,
} from '../../../src/ssh/remote-command.js';

test('the command line never holds the script', () => {
  assert.equal(remoteCommand(undefined), '/bin/sh -s');
  assert.equal(remoteCommand({}), 'sudo -n -u root -- /bin/sh -s');
  assert.equal(remoteCommand({ user: 'postgres' }), 'sudo -n -u postgres -- /bin/sh -s');
});

test('a become user that could be read as an option or shell syntax is refused', () => {
  for (const user of ['-root', 'root;id', 'a b', '', "o'brien", 'x'.repeat(33)]) {
    assert.throws(() => remoteCommand({ user }), InternalError, user);
  }
});

test('the script is wrapped in a group reading /dev/null, then exit', () => {
  const text = wrapScript(raw('echo hi')).toString();
  assert.ok(text.endsWith('\n{\necho hi\n} </dev/null\nexit\n'), text);
  assert.ok(wrapScript(raw('  \n')).toString().endsWith('\n{\n:\n} </dev/null\nexit\n'));
});

test('the start marker is taken out of stderr wherever sudo put it', () => {
  const marked = takeStartMarker(
    'sudo: unable to resolve host web1\n\x1enetfix-started 812 811 811 (sudo) 1 (systemd)\nreal error\n',
  );
  assert.deepEqual(marked, {
    stderr: 'sudo: unable to resolve host web1\nreal error\n',
    started: true,
    process: { pid: 812, pgid: 811 },
  });
  assert.deepEqual(takeStartMarker('sudo: a password is required\n'), {
    stderr: 'sudo: a password is required\n',
    started: false,
    process: undefined,
  });
});

test("a process group is killed only when one of the exec's own processes leads it", () => {
  const marker = (fields: string) => takeStartMarker(`\x1enetfix-started ${fields}\n`).process;
  // pid pgid ppid (name) pppid (name): the group led by the sh, by sudo, by the login shell.
  assert.deepEqual(marker('812 812 700 (sshd) 650 (sshd)'), { pid: 812, pgid: 812 });
  assert.deepEqual(marker('812 700 700 (sudo) 650 (sh)'), { pid: 812, pgid: 700 });
  assert.deepEqual(marker('812 650 700 (sudo) 650 (sh)'), { pid: 812, pgid: 650 });
  // A group led by the SSH server (one that did not setsid) or further up is never killed.
  assert.deepEqual(marker('812 700 700 (sshd) 650 (sshd)'), { pid: 812, pgid: undefined });
  assert.deepEqual(marker('812 650 700 (sudo) 650 (dropbear)'), { pid: 812, pgid: undefined });
  assert.deepEqual(marker('812 600 700 (sudo) 650 (sh)'), { pid: 812, pgid: undefined });
  assert.deepEqual(marker('812 1 1 (init) 0 '), { pid: 812, pgid: undefined });
  assert.equal(marker('1 0 0  0 '), undefined);
  assert.equal(marker('     '), undefined);
  const withGroup = diagnoseAndKillScript({ pid: 812, pgid: 811 }).text;
  // First the report of the group's processes, then the kill of the group and of the sh.
  assert.match(
    withGroup,
    /nf_stuck_scan \/proc 811\nkill -9 -811 2>\/dev\/null\nkill -9 812 2>\/dev\/null\nexit 0$/,
  );
  assert.equal(
    diagnoseAndKillScript({ pid: 812, pgid: undefined }).text,
    ':\n:\nkill -9 812 2>/dev/null\nexit 0',
  );
});
