import { InternalError } from '../errors.js';
import { stuckScanFunction } from '../proc/stuck-processes.js';
import { quote, raw, type Sh, sh } from '../shell/index.js';
import type { BecomeSpec } from './transport.js';

// What travels where: the command line (seen in `ps` on the host) is a fixed `/bin/sh -s`, with
// sudo in front for become; the script itself goes on stdin, so neither secrets nor its size
// ever reach argv (no ARG_MAX, nothing readable in /proc/<pid>/cmdline).

/** A user name for `sudo -u`: portable login-name characters, no leading dash (not an option). */
export const becomeUserPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;

export function becomeUserOf(become: BecomeSpec): string {
  return become.user ?? 'root';
}

export function remoteCommand(become: BecomeSpec | undefined): string {
  if (!become) return '/bin/sh -s';
  const user = becomeUserOf(become);
  // The inventory validates this on load; here it guards the one place it reaches a shell.
  if (!becomeUserPattern.test(user)) {
    throw new InternalError(`become user ${JSON.stringify(user)} does not match ${becomeUserPattern}`);
  }
  // -n: fail instead of prompting (there is no tty to prompt on); `--` ends sudo's options.
  return `sudo -n -u ${quote(user)} -- /bin/sh -s`;
}

/**
 * The first line the remote sh writes, on stderr, before the script: it proves the script started
 * (so sudo's refusals are told apart from the script's own output) and names the processes to
 * kill on timeout. `\x1e` (record separator) keeps it from being mistaken for output.
 */
const startMarker = '\x1enetfix-started';
const startMarkerLine = /\x1enetfix-started (\d*) (\d*) (\d*) (\S*) (\d*) (\S*)\n/;

/**
 * The bytes written to the remote sh's stdin. The first lines report the sh's pid and process
 * group, and the pid and name of its parent and grandparent (read from /proc with builtins only:
 * no extra process per exec). The braces make sh parse the whole script before running any of
 * it, and `</dev/null` gives every command inside an empty stdin, so no `cat` or `read` in the
 * script can swallow the rest of it. The trailing `exit` ends sh without waiting for
 * end-of-input: stdin stays open so that the channel can still carry a signal on timeout (ssh2
 * sends no channel requests once its side has ended).
 */
export function wrapScript(script: Sh): Buffer {
  // `{ }` with nothing inside is a syntax error in sh.
  const body = script.text.trim() === '' ? ':' : script.text;
  const prologue = [
    // /proc/<pid>/stat: pid (comm) state ppid pgrp …; the comms here (sh, sudo, bash, sshd) hold no spaces.
    'read -r netfix_ netfix_ netfix_ netfix_ppid netfix_pgid netfix_ 2>/dev/null </proc/$$/stat',
    'read -r netfix_ netfix_pcomm netfix_ netfix_pppid netfix_ 2>/dev/null </proc/$netfix_ppid/stat',
    'read -r netfix_ netfix_ppcomm netfix_ 2>/dev/null </proc/$netfix_pppid/stat',
    `printf '${startMarker.replace('\x1e', '\\036')} %s %s %s %s %s %s\\n' "$$" "$netfix_pgid" ` +
      '"$netfix_ppid" "$netfix_pcomm" "$netfix_pppid" "$netfix_ppcomm" >&2',
    'unset netfix_ netfix_ppid netfix_pgid netfix_pcomm netfix_pppid netfix_ppcomm',
  ].join('\n');
  return Buffer.from(`${prologue}\n{\n${body}\n} </dev/null\nexit\n`, 'utf8');
}

/** The remote sh's process ids. */
export interface RemoteProcess {
  pid: number;
  /**
   * Its process group, when the sh, its parent or its grandparent leads it and that leader is not
   * the SSH server: the group then holds only what was started for this exec (login shell, sudo,
   * sh and its children). Never a group further up, which could be sshd's own.
   */
  pgid: number | undefined;
}

export interface MarkedStderr {
  /** stderr without the marker line. */
  stderr: string;
  /** false: the remote sh never ran the prologue (sudo refused, no /bin/sh, …). */
  started: boolean;
  process: RemoteProcess | undefined;
}

export function takeStartMarker(stderr: string): MarkedStderr {
  const match = startMarkerLine.exec(stderr);
  if (!match) return { stderr, started: false, process: undefined };
  const [pid, pgid, ppid, pppid] = [match[1], match[2], match[3], match[5]].map(Number) as number[];
  // Never 0 or 1: `kill -9 -1` would address every process the user may signal.
  const usable = (id: number | undefined): id is number => Number.isSafeInteger(id) && (id as number) > 1;
  // Names as /proc/<pid>/stat shows them, in parentheses: "(sudo)", "(sshd)".
  const leaderName = pgid === pid ? '(sh)' : pgid === ppid ? match[4] : pgid === pppid ? match[6] : undefined;
  const ownGroup = usable(pgid) && leaderName !== undefined && !/^\((sshd|dropbear)/.test(leaderName);
  return {
    stderr: stderr.slice(0, match.index) + stderr.slice(match.index + match[0].length),
    started: true,
    process: usable(pid) ? { pid, pgid: ownGroup ? pgid : undefined } : undefined,
  };
}

/**
 * Says what a timed-out exec left running, then kills it: first every process of its group with
 * state, wchan, command and kernel stack (incident 3: a modprobe asleep in __request_module, in
 * D state where not even kill -9 ends it), then the kill. One exec, so the report describes the
 * processes the kill was aimed at. OpenSSH starts every
 * session channel in a new session, so that group is this exec's and no other's; takeStartMarker
 * names only a group led by one of the exec's own processes. That leader may already be dead (the
 * channel's KILL reaches the user's own processes), which does not end the group.
 * `kill -9 -N` is the form dash and bash both accept (dash's kill rejects `--`).
 */
export function diagnoseAndKillScript(target: RemoteProcess): Sh {
  const report =
    target.pgid === undefined ? raw(':') : sh`${stuckScanFunction}\nnf_stuck_scan /proc ${target.pgid}`;
  const group = target.pgid === undefined ? raw(':') : sh`kill -9 ${-target.pgid} 2>/dev/null`;
  return sh`${report}
${group}
kill -9 ${target.pid} 2>/dev/null
exit 0`;
}
