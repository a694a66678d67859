import type { BecomeFailureKind } from './transport.js';

// sudo -n fails with a one-line message on stderr and never runs the script. Recognising those
// lines lets netfix say which sudoers rule is missing instead of reporting a bare exit code 1.
// Wordings cover sudo 1.8 (RHEL/CentOS 6, 7) and 1.9, and the "not found" forms of bash and dash.

export interface SudoFailure {
  kind: BecomeFailureKind;
  /** What happened and the sudoers line (or package) that fixes it. */
  explanation: string;
  /** The stderr line that gave it away, as the host printed it. */
  line: string;
}

export interface SudoAttempt {
  stderr: string;
  exitCode: number | null;
  /** Who logged in over SSH (the user sudoers must name). */
  loginUser: string;
  /** Who sudo was asked to run the script as. */
  becomeUser: string;
}

const patterns: readonly { kind: BecomeFailureKind; line: RegExp }[] = [
  // 1.9: "sudo: a password is required"; 1.8.6 (RHEL 6): "sudo: sorry, a password is required to run sudo"
  { kind: 'password-required', line: /^sudo: (sorry, )?a password is required/ },
  // Without -n, or old sudo: it wanted to prompt and had nowhere to do it.
  { kind: 'password-required', line: /^sudo: (a terminal is required to read the password|no tty present)/ },
  // Defaults requiretty: "sudo: sorry, you must have a tty to run sudo"
  { kind: 'tty-required', line: /you must have a tty to run sudo/ },
  { kind: 'not-in-sudoers', line: /is not in the sudoers file/ },
  // "Sorry, user deploy is not allowed to execute '/bin/sh -s' as root on web1."
  { kind: 'not-allowed', line: /^Sorry, user \S+ is not allowed to execute/ },
  // 1.9: "sudo: unknown user nobody2"; 1.8: "sudo: unknown user: nobody2"
  { kind: 'unknown-user', line: /^sudo: unknown user/ },
  // bash: "bash: line 1: sudo: command not found"; dash: "sh: 1: sudo: not found"; zsh: "command not found: sudo"
  { kind: 'sudo-missing', line: /(^|: )sudo: (command )?not found$|command not found: sudo$/ },
];

/**
 * Why sudo refused a become exec, or undefined when its words are not recognised. Call it only
 * for an exec whose script never started (the transport knows from the start marker), so that a
 * script's own output that mentions sudo is never mistaken for sudo refusing to run it.
 */
export function classifySudoFailure(attempt: SudoAttempt): SudoFailure | undefined {
  if (attempt.exitCode === 0) return undefined;
  const lines = attempt.stderr.split('\n').map((line) => line.trim());
  for (const { kind, line } of patterns) {
    const said = lines.find((text) => line.test(text));
    if (said !== undefined) return { kind, explanation: explain(kind, attempt), line: said };
  }
  return undefined;
}

function explain(kind: BecomeFailureKind, { loginUser, becomeUser }: SudoAttempt): string {
  const rule = `${loginUser} ALL=(${becomeUser}) NOPASSWD: ALL`;
  const where = 'in /etc/sudoers.d/netfix (edit with `visudo -f /etc/sudoers.d/netfix`)';
  switch (kind) {
    case 'password-required':
      return (
        `sudo wants a password for ${loginUser}; netfix runs \`sudo -n\` and never types one. ` +
        `Fix: allow it without a password, e.g. "${rule}" ${where}.`
      );
    case 'tty-required':
      return (
        'sudo is set to "Defaults requiretty" (the RHEL/CentOS 6 default) and refuses to run without a ' +
        `terminal; netfix allocates none. Fix: add "Defaults:${loginUser} !requiretty" ${where}.`
      );
    case 'not-in-sudoers':
      return `${loginUser} is not in the sudoers file. Fix: add "${rule}" ${where}.`;
    case 'not-allowed':
      return (
        `sudoers does not let ${loginUser} run /bin/sh as ${becomeUser}. ` + `Fix: add "${rule}" ${where}.`
      );
    case 'unknown-user':
      return `there is no user ${becomeUser} on the host to become. Fix the become user in the inventory.`;
    case 'sudo-missing':
      return (
        'sudo is not installed on the host (or not on PATH). Install it (apt-get install sudo, ' +
        'yum install sudo), or connect as root and drop become.'
      );
  }
}
