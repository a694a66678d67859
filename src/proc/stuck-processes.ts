import { raw, type Sh, sh } from '../shell/index.js';

// Processes stuck in uninterruptible sleep (state D), with what they wait on (incident 3: an
// `iptables -w` child of libvirtd and `/sbin/modprobe -q -- iptable_nat`, both in D with
// `__request_module` on their kernel stacks, waiting for a module whose provider is blacklisted).
// The probe fragment and its pure parser live together so that the service module, a `diagnose`
// command and timeout diagnostics read the same records.

/**
 * Defines `nf_stuck_scan [PROC_ROOT] [PGID]`: a loop over /proc/<pid>/stat with builtins only
 * (`read` and parameter expansion); a process is forked only for the rare process selected (`tr`
 * for its cmdline). Without PGID it selects every process in state D; with PGID, every process of
 * that process group whatever its state (what a timed-out command left running). Sets
 * $nf_stuck_found when it printed a process. Without PGID, one `grep -l ') D '` over every stat
 * file picks the candidates (a superset: every stat line in D has it): dash's `read` takes one
 * syscall per byte, so the loop over a host's thousand processes (kernel threads included) cost
 * ~300k syscalls, and one grep costs one fork+exec and a read per file. Without grep (exit above
 * 2) the loop reads every process as before. For each one it prints, one record per line:
 *   proc <its stat line>      starts a record
 *   cmdline <argv, NULs as spaces>
 *   wchan <kernel function it sleeps in>, when readable
 *   parent <stat line>        each ancestor up to pid 1, nearest first
 *   stack <frame>             /proc/<pid>/stack, when readable (root), else `nostack`
 * The comm in a stat line is in parentheses and may hold spaces and ')': the fields after it are
 * found after the last ') '. PROC_ROOT exists so the loop can be tested against a fake tree.
 */
export const stuckScanFunction: Sh = raw(`nf_stuck_scan() {
  nf_pr=\${1:-/proc}; nf_pg=\${2:-}; nf_stuck_found=
  if [ -n "$nf_pg" ]; then set -- "$nf_pr"/[0-9]*/stat
  else
    nf_sc=$(grep -l ') D ' "$nf_pr"/[0-9]*/stat 2>/dev/null)
    if [ "$?" -le 2 ]; then nf_ifs=$IFS; IFS='
'; set -- $nf_sc; IFS=$nf_ifs; else set -- "$nf_pr"/[0-9]*/stat; fi
  fi
  for nf_sp in "$@"; do
    nf_sp=\${nf_sp%/stat}
    { read -r nf_sl < "$nf_sp/stat"; } 2>/dev/null || continue
    nf_sf=\${nf_sl##*) }
    if [ -n "$nf_pg" ]; then
      nf_g=\${nf_sf#* }; nf_g=\${nf_g#* }; [ "\${nf_g%% *}" = "$nf_pg" ] || continue
    else
      [ "\${nf_sf%% *}" = D ] || continue
    fi
    nf_stuck_found=1; printf 'proc %s\\n' "$nf_sl"
    printf 'cmdline %s\\n' "$(tr '\\000\\n' '  ' < "$nf_sp/cmdline" 2>/dev/null)"
    # /proc/<pid>/wchan has no final newline: read fails at EOF but has set the variable.
    nf_wc=; { read -r nf_wc < "$nf_sp/wchan"; } 2>/dev/null; [ -n "$nf_wc" ] && printf 'wchan %s\\n' "$nf_wc"
    nf_sf=\${nf_sf#* }; nf_pp=\${nf_sf%% *}; nf_depth=0
    while [ "$nf_pp" -gt 1 ] 2>/dev/null && [ "$nf_depth" -lt 64 ] && { read -r nf_pl < "$nf_pr/$nf_pp/stat"; } 2>/dev/null; do
      printf 'parent %s\\n' "$nf_pl"
      nf_sf=\${nf_pl##*) }; nf_sf=\${nf_sf#* }; nf_pp=\${nf_sf%% *}; nf_depth=$((nf_depth + 1))
    done
    if [ -r "$nf_sp/stack" ] && { : < "$nf_sp/stack"; } 2>/dev/null; then
      while IFS= read -r nf_st; do printf 'stack %s\\n' "$nf_st"; done < "$nf_sp/stack"
    else
      printf 'nostack\\n'
    fi
  done
  return 0
}`);

/**
 * Probe lines: the scan's output as the command record `recordName`, and a second scan a second
 * later as `<recordName>-again`. Processes pass through D for a moment all the time (disk I/O, a
 * module load that is about to finish): only one found in both scans is stuck. The scan reads the
 * whole machine, so it runs once per script (nf_once), whichever sections ask.
 */
export function stuckProcessProbe(recordName: string): Sh {
  return sh`${stuckScanFunction}
nf_once stuck-scan ${recordName} nf_stuck_scan
if [ -n "$nf_stuck_found" ]; then sleep 1; nf_once stuck-scan-again ${`${recordName}-again`} nf_stuck_scan; fi`;
}

/** The processes stuck in both scans of stuckProcessProbe (same pid, still in D). */
export function stuckInBoth(first: string, again: string | undefined): StuckProcess[] {
  const later = new Set(parseStuckProcesses(again ?? '').map((process) => process.pid));
  return parseStuckProcesses(first).filter((process) => later.has(process.pid));
}

/** The fields of /proc/<pid>/stat that matter here. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
}

export interface StuckProcess extends ProcStat {
  /** argv joined by spaces; '' for kernel threads. */
  cmdline: string;
  /** The kernel function it sleeps in (/proc/<pid>/wchan); '' when unknown or running. */
  wchan: string;
  /** Parent first, up to (not including) pid 1. */
  ancestors: ProcStat[];
  /** Kernel stack frames as function names, innermost first; null when it could not be read. */
  stack: string[] | null;
}

/** `4242 (modprobe) D 2 0 0 ...`; undefined for anything else. */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(') ');
  if (open === -1 || close < open) return undefined;
  const pid = Number(line.slice(0, open));
  const [state, ppid] = line.slice(close + 2).split(' ');
  if (!Number.isInteger(pid) || state === undefined || ppid === undefined) return undefined;
  return { pid, comm: line.slice(open + 2, close), state, ppid: Number(ppid) };
}

/** `[<0>] __request_module+0x14c/0x2b0` (or with a real address on old kernels) to `__request_module`. */
export function stackFunction(frame: string): string {
  return frame
    .replace(/^\s*\[<[0-9a-fA-F]*>\]\s*/, '')
    .replace(/\+0x[0-9a-fA-F]+\/0x[0-9a-fA-F]+.*$/, '')
    .trim();
}

/** The records nf_stuck_scan printed. Lines it does not know are ignored (forward compatibility). */
export function parseStuckProcesses(output: string): StuckProcess[] {
  const found: StuckProcess[] = [];
  let current: StuckProcess | undefined;
  for (const line of output.split('\n')) {
    const space = line.indexOf(' ');
    const tag = space === -1 ? line : line.slice(0, space);
    const rest = space === -1 ? '' : line.slice(space + 1);
    if (tag === 'proc') {
      const stat = parseProcStat(rest);
      current = stat ? { ...stat, cmdline: '', wchan: '', ancestors: [], stack: [] } : undefined;
      if (current) found.push(current);
      continue;
    }
    if (!current) continue;
    if (tag === 'cmdline') current.cmdline = rest.trimEnd();
    else if (tag === 'wchan') current.wchan = rest.trim() === '0' ? '' : rest.trim();
    else if (tag === 'parent') {
      const parent = parseProcStat(rest);
      if (parent) current.ancestors.push(parent);
    } else if (tag === 'stack') {
      const frame = stackFunction(rest);
      // Old kernels end every stack with a 0xffffffffffffffff sentinel frame.
      if (frame !== '' && !/^0x[fF]+$/.test(frame)) current.stack?.push(frame);
    } else if (tag === 'nostack') current.stack = null;
  }
  return found;
}

/** Whether an ancestor's comm is `comm` (e.g. an iptables started by libvirtd, or by its helper). */
export function isDescendantOf(process: StuckProcess, comm: string): boolean {
  return process.ancestors.some((ancestor) => ancestor.comm === comm);
}

/** Waits inside the kernel for a module load: the incident 3 signature. */
export function waitsOnModuleLoad(process: StuckProcess): boolean {
  return (process.stack ?? []).includes('__request_module') || process.comm === 'modprobe';
}

/** One line: who is stuck, started by whom, and where in the kernel. */
export function describeStuckProcess(process: StuckProcess): string {
  const command = process.cmdline || `[${process.comm}]`;
  const parent = process.ancestors[0];
  const parentText = parent ? `, child of ${parent.comm} (pid ${parent.pid})` : '';
  const frames = process.stack;
  const stackText =
    frames === null
      ? 'kernel stack not readable (needs root)'
      : frames.length === 0
        ? 'kernel stack empty'
        : `kernel stack: ${frames.slice(0, 8).join(' <- ')}${frames.length > 8 ? ' <- ...' : ''}`;
  const hint = moduleLoadHint(process);
  const where = process.wchan ? `, waiting in ${process.wchan}` : '';
  return `pid ${process.pid} \`${command}\`${parentText} is ${stateText(process.state)}${where}; ${stackText}${hint}`;
}

/**
 * Says "in __request_module" only when the stack shows it: a modprobe can be in D for other
 * reasons (a vfork that never completes, a read from a hung file system), and a stack that is not
 * readable proves nothing either way.
 */
function moduleLoadHint(process: StuckProcess): string {
  const why = '(a dependency blacklisted or blocked in /etc/modprobe.d?)';
  if ((process.stack ?? []).includes('__request_module'))
    return `; it waits in __request_module for a kernel module load that may never finish ${why}`;
  if (process.comm !== 'modprobe') return '';
  const what = process.state === 'D' ? 'a modprobe in D state' : 'a modprobe that has not finished';
  return `; ${what}: its module load may never finish ${why}`;
}

/** ps(1)'s state letters, as a person reads them. */
function stateText(state: string): string {
  const names: Record<string, string> = {
    // D covers TASK_KILLABLE too (a vfork parent, __request_module's wait): /proc cannot tell.
    D: 'stuck in D state (uninterruptible sleep: kill -9 ends it only if the kernel sleeps killable)',
    S: 'sleeping (state S)',
    R: 'running (state R)',
    T: 'stopped (state T)',
    Z: 'a zombie (state Z)',
  };
  return names[state] ?? `in state ${state}`;
}
