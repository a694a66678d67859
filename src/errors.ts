// The few error classes netfix throws. One catch in main.ts maps them to exit codes; a host's
// failure is data in the run result and never one of these.

export interface InputProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the field, e.g. `plays[0].tasks[2].kernel_module.name`. */
  field: string;
  message: string;
}

export function formatInputProblem(problem: InputProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : problem.file;
  return `${where}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

/** Bad input or usage: exit 1, and no host was contacted. Carries every problem found at once. */
export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(formatInputProblem).join('\n'));
    this.name = 'InputError';
  }
}

/** A bug in netfix itself. */
export class InternalError extends Error {
  override name = 'InternalError';
}

export const exitCodes = {
  ok: 0,
  input: 1,
  taskFailed: 2,
  unreachable: 3,
  checkChanges: 4,
  interrupted: 130,
  terminated: 143,
} as const;
