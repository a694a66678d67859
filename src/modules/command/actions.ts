import { raw, type Sh, sh } from '../../shell/index.js';
import type { Change, Problem, RemoteStep } from '../define.js';
import type { ProbeRecords } from '../shared/probe-records.js';
import type { CommandParams } from './params.js';

/** A change together with the steps that make it: plan() and apply() are two views of this list. */
export interface Action {
  change: Change;
  steps: RemoteStep[];
}

export interface CommandFacts {
  /** null when the task has no creates/removes. */
  createsExists: boolean | null;
  removesExists: boolean | null;
  /** changed_when: never: the command's result, run in the probe. */
  check: { exitCode: number; output: string } | null;
}

const isPlain = (params: CommandParams) => !params.creates && !params.removes;

/**
 * `/bin/sh -c '<cmd>'`: the cmd is one quoted word, so it runs in its own shell: its `exit`,
 * variables and `cd` cannot touch the script netfix wraps around it.
 */
export function commandLine(params: CommandParams): Sh {
  const run = sh`/bin/sh -c ${params.cmd}`;
  return params.timeout === undefined ? run : sh`timeout ${params.timeout} ${run}`;
}

export function probeCommand(params: CommandParams): Sh {
  if (params.changed_when === 'never') return sh`nf_cmd check ${commandLine(params)}`;
  const paths = [params.creates, params.removes].filter((path): path is string => path !== undefined);
  return paths.length > 0 ? sh`nf_exists ${paths}` : raw(':');
}

export function parseCommandFacts(records: ProbeRecords, params: CommandParams): CommandFacts {
  const check = records.commands.get('check');
  return {
    createsExists: params.creates === undefined ? null : records.existing.has(params.creates),
    removesExists: params.removes === undefined ? null : records.existing.has(params.removes),
    check: check ? { exitCode: check.exitCode, output: check.output.trim() } : null,
  };
}

/** The first line, shortened: recaps show one line per change. */
function shortCommand(cmd: string): string {
  const lines = cmd.trim().split('\n');
  const first = lines[0] ?? '';
  const short = first.length > 100 ? `${first.slice(0, 100)}…` : first;
  return lines.length > 1 ? `${short} …(${lines.length} lines)` : short;
}

export function commandActions(params: CommandParams, facts: CommandFacts): Action[] {
  if (params.changed_when === 'never') return [];
  if (facts.createsExists === true || facts.removesExists === false) return [];
  const summary = `run \`${shortCommand(params.cmd)}\``;
  const limit =
    params.timeout === undefined ? '' : ` (limit ${params.timeout}s; exit 124 means it timed out)`;
  const line = commandLine(params);
  return [
    {
      // Nothing on the host says a plain command ran: it is made on every run that plans it.
      change: { summary, ...(isPlain(params) ? { repeats: true as const } : {}) },
      steps: [{ kind: 'exec', description: `${summary}${limit}`, command: line }],
    },
  ];
}

export function commandInspect(params: CommandParams, facts: CommandFacts): Problem[] {
  if (params.changed_when !== 'never' || !facts.check || facts.check.exitCode === 0) return [];
  const timedOut = params.timeout !== undefined && facts.check.exitCode === 124;
  return [
    {
      severity: 'error',
      message: `\`${shortCommand(params.cmd)}\` ${timedOut ? `timed out after ${params.timeout}s` : `exited ${facts.check.exitCode}`}${facts.check.output ? `: ${facts.check.output}` : ''}`,
    },
  ];
}

/** The exit code is the engine's to check; what the command promised about paths is checked here. */
export function commandVerify(params: CommandParams, facts: CommandFacts): Problem[] {
  const problems: Problem[] = [];
  if (params.creates && facts.createsExists === false)
    problems.push({
      severity: 'error',
      message: `the command ran but ${params.creates} (creates) does not exist`,
      expected: 'exists',
      actual: 'missing',
    });
  if (params.removes && facts.removesExists === true)
    problems.push({
      severity: 'error',
      message: `the command ran but ${params.removes} (removes) still exists`,
      expected: 'missing',
      actual: 'exists',
    });
  return problems;
}
