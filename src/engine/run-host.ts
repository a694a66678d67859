import type { Problem, RemoteStep } from '../modules/index.js';
import { type ProbeRecords, parseProbeOutput } from '../modules/index.js';
import { describeStuckProcess } from '../proc/stuck-processes.js';
import type { Sh } from '../shell/index.js';
import {
  ConnectError,
  ConnectionLostError,
  type ExecResult,
  ExecTimeoutError,
  type Transport,
} from '../ssh/transport.js';
import { mayAffect } from './footprint.js';
import {
  applyScript,
  END_SECTION,
  newNonce,
  type ProbeSection,
  probeScript,
  stepSectionId,
} from './remote-script.js';
import type { HostResult, TaskResult, TaskStatus } from './result.js';
import { abortReason, skipped } from './skipped.js';
import type { EngineOptions, HostWork, PlayWork, TaskWork } from './work.js';

/** Facts per task slot (tasks first, then handlers); an Error when the probe could not be read. */
type FactsBySlot = Map<number, unknown>;

class HostAbort extends Error {}

/** A script whose output lacks its last section: nothing read from it is trusted. */
function cutOff(what: string, result: ExecResult): string {
  const how = result.signal
    ? `killed by ${result.signal.startsWith('SIG') ? '' : 'SIG'}${result.signal}`
    : `exit ${result.exitCode}`;
  const stderr = result.stderr.trim();
  // Not one record: the script never ran, e.g. a ~/.bashrc that exits or execs something else.
  const hint = result.stdout.includes('\x1e')
    ? ''
    : "; it printed none of netfix's records: does the login shell's start-up (~/.bashrc, a ForceCommand) exit or replace the shell?";
  return `${what} ended before the end of its script (${how})${stderr ? `: ${stderr}` : ''}${hint}`;
}

const changeStatuses = new Set<TaskStatus>(['changed', 'would_change', 'may_change']);

/**
 * Which step a timed-out apply was in: the last step section the partial output opened. Its
 * output so far is what the stuck command printed (incident 3: a modprobe that never returns).
 */
function stuckStep(
  error: ExecTimeoutError,
  nonce: string,
  steps: RemoteStep[],
): { message: string; output: string } {
  const partial = parseProbeOutput(error.partialStdout, nonce);
  let index = -1;
  for (let candidate = 0; candidate < steps.length; candidate++)
    if (partial.has(stepSectionId(candidate))) index = candidate;
  const step = steps[index];
  if (!step)
    return {
      // Still arriving (a cut link, a large script) or still starting: no step has run.
      message: `${error.message}; ${interruptedAt(error.partialStdout, nonce, steps)}${leftoversText(error)}`,
      output: error.partialStderr.trim(),
    };
  const command = step.kind === 'exec' ? step.command.text : `${step.kind} ${step.path}`;
  const output = partial.get(stepSectionId(index))?.commands.get('result')?.output ?? '';
  return {
    message: `timed out after ${error.timeoutMs / 1000}s in step ${index + 1}/${steps.length}, ${step.description}: \`${command}\` did not return${leftoversText(error)}`,
    output: `${output}${error.partialStderr}`.trim(),
  };
}

/**
 * Where an apply was when the host went away (sshd killed, host down, connection cut): the last
 * step its output opened, and whether that step had ended. What the step did on the host is not
 * known; the next run's probe reads it.
 */
function interruptedAt(stdout: string, nonce: string, steps: RemoteStep[]): string {
  const marker = `\x1e${nonce}`;
  let index = -1;
  let openedAt = -1;
  for (let candidate = 0; candidate < steps.length; candidate++) {
    const at = stdout.indexOf(`${marker}SECTION ${stepSectionId(candidate)}\n`);
    if (at !== -1) [index, openedAt] = [candidate, at];
  }
  const step = steps[index];
  if (!step) return `interrupted before step 1/${steps.length} (${steps[0]?.description ?? 'none'}) started`;
  const ended = stdout.indexOf(`\n${marker}END `, openedAt) !== -1;
  if (!ended)
    return `interrupted in step ${index + 1}/${steps.length}, ${step.description}: whether it took effect is unknown until the next run reads the host`;
  return index === steps.length - 1
    ? `interrupted after its last step (${index + 1}/${steps.length}) ended, while re-reading the host`
    : `interrupted after step ${index + 1}/${steps.length} ended, before step ${index + 2}/${steps.length} (${steps[index + 1]?.description}) started`;
}

/** What the timed-out command left running, one process a line (pid, state, wchan, stack). */
function leftoversText(error: ExecTimeoutError): string {
  if (error.leftovers.length === 0) return '';
  return `; left running:\n${error.leftovers.map((process) => `  ${describeStuckProcess(process)}`).join('\n')}`;
}

function describeError(error: unknown): string {
  if (error instanceof ExecTimeoutError) return `${error.message}${leftoversText(error)}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A command's timeout, cut short by the host's deadline: a command running when the deadline
 * passes times out (and is diagnosed) like any other. At least 1 s, so a command that starts
 * just before the deadline still gets a chance and a diagnosis.
 */
function timeoutWithin(options: EngineOptions, timeoutMs: number): number {
  const left = (options.deadline ?? Number.POSITIVE_INFINITY) - Date.now();
  return Math.max(1000, Math.min(timeoutMs, left));
}

function pastDeadline(options: EngineOptions): boolean {
  return options.deadline !== undefined && Date.now() >= options.deadline;
}

function sectionId(prefix: string, slot: number): string {
  return `${prefix}task:${slot}`;
}

/** Runs every play for one host. Never throws: a host's failure is data in its result. */
export async function runHost(work: HostWork, runOptions: EngineOptions): Promise<HostResult> {
  const started = Date.now();
  // The host's deadline is the earlier of --max-runtime's and its own --host-timeout.
  const options: EngineOptions = {
    ...runOptions,
    deadline: Math.min(
      runOptions.deadline ?? Number.POSITIVE_INFINITY,
      runOptions.hostTimeoutMs === undefined ? Number.POSITIVE_INFINITY : started + runOptions.hostTimeoutMs,
    ),
  };
  const tasks: TaskResult[] = [];
  let transport: Transport | undefined;
  const result = (status: HostResult['status'], error?: string): HostResult => ({
    name: work.name,
    address: `${work.target.address}:${work.target.port}`,
    status,
    ...(error ? { error } : {}),
    stats: { ...(transport?.stats ?? { connects: 0, execs: 0, bytesSent: 0, bytesReceived: 0 }) },
    tasks,
    durationMs: Date.now() - started,
  });
  options.onEvent?.({ type: 'host-start', host: work.name });
  try {
    transport = await options.connect(work.target);
  } catch (error) {
    for (const play of work.plays)
      for (const task of [...play.tasks]) tasks.push(skipped(play, task, false, 'host unreachable'));
    const reason =
      error instanceof ConnectError ? error.message : `could not connect: ${describeError(error)}`;
    return finish(options, work, result('unreachable', reason));
  }
  try {
    let hostError: string | undefined;
    const nonce = newNonce();
    // When every play runs as the same user, each exec that reads the host (the first probe, and
    // the re-probe after every change) also reads the later plays: an idempotent run of several
    // playbooks costs one exec per host, and a change costs one exec, whatever play it is in.
    const shared = work.plays.every((play) => sameBecome(play, work.plays[0]!));
    const texts: ProbeTexts = new Map();
    const laterSections = (index: number) =>
      shared
        ? work.plays
            .slice(index + 1)
            .flatMap((play, offset) => playProbeSections(play, playPrefix(index + 1 + offset), texts, 0))
        : [];
    const carry: Carry = { records: undefined, texts };
    for (const [index, play] of work.plays.entries()) {
      if (hostError) {
        for (const task of play.tasks)
          tasks.push(skipped(play, task, false, 'an earlier task failed on this host'));
        continue;
      }
      if (!shared) carry.records = undefined;
      hostError = await runPlay(
        play,
        playPrefix(index),
        laterSections(index),
        nonce,
        carry,
        transport,
        options,
        (task) => {
          tasks.push(task);
          options.onEvent?.({ type: 'task-done', host: work.name, task });
        },
      );
    }
    // A probe that failed leaves every task skipped, none failed: the host still failed.
    const failed = hostError !== undefined || tasks.some((task) => task.status === 'failed');
    const changed = tasks.some((task) => changeStatuses.has(task.status));
    return finish(options, work, result(failed ? 'failed' : changed ? 'changed' : 'ok', hostError));
  } finally {
    await transport.close().catch(() => undefined);
  }
}

function finish(options: EngineOptions, work: HostWork, hostResult: HostResult): HostResult {
  options.onEvent?.({ type: 'host-done', host: work.name, result: hostResult });
  return hostResult;
}

const playPrefix = (index: number) => `play${index}:`;

/** The host as the last exec read it, later plays included: what the next play starts from. */
interface Carry {
  records: Map<string, ProbeRecords> | undefined;
  texts: ProbeTexts;
}

function sameBecome(a: PlayWork, b: PlayWork): boolean {
  return JSON.stringify(a.become ?? null) === JSON.stringify(b.become ?? null);
}

/**
 * Probe texts by task, for one host: its re-probes send the same texts after every change, and
 * building them (quoting, joining) for every exec of a thousand hosts adds up. Per host, not per
 * run: the run keeps every host's tasks until the end.
 */
type ProbeTexts = Map<TaskWork, Sh>;

function probeOf(task: TaskWork, texts: ProbeTexts): Sh {
  let probe = texts.get(task);
  if (!probe) {
    probe = task.module.probe(task.params);
    texts.set(task, probe);
  }
  return probe;
}

/** A probe section and the task it reads for. */
interface TaskSection extends ProbeSection {
  task: TaskWork;
}

/** The probe sections of a play's tasks and handlers from `from` on (or only those in `only`). */
function playProbeSections(
  play: PlayWork,
  prefix: string,
  texts: ProbeTexts,
  from: number,
  only?: Set<number>,
): TaskSection[] {
  return [...play.tasks, ...play.handlers]
    .map((task, slot) => ({ task, slot }))
    .filter(({ slot }) => slot >= from && (!only || only.has(slot)))
    .map(({ task, slot }) => ({ id: sectionId(prefix, slot), probe: probeOf(task, texts), task }));
}

async function probeAll(
  transport: Transport,
  nonce: string,
  sections: ProbeSection[],
  play: PlayWork,
  options: EngineOptions,
): Promise<Map<string, ProbeRecords>> {
  const probed = await transport.exec(probeScript(nonce, sections), {
    timeoutMs: timeoutWithin(options, options.commandTimeoutMs),
    become: play.become,
    description: `probe facts for ${sections.length} tasks`,
  });
  if (probed.exitCode !== 0 && probed.stdout === '')
    throw new HostAbort(`probe failed (exit ${probed.exitCode}): ${probed.stderr.trim()}`);
  const records = parseProbeOutput(probed.stdout, nonce);
  if (!records.has(END_SECTION)) throw new HostAbort(cutOff('the probe', probed));
  return records;
}

/** Returns the reason the host stopped, if a task failed. */
async function runPlay(
  play: PlayWork,
  prefix: string,
  later: TaskSection[],
  nonce: string,
  carry: Carry,
  transport: Transport,
  options: EngineOptions,
  record: (task: TaskResult) => void,
): Promise<string | undefined> {
  const slots = [...play.tasks, ...play.handlers];
  const isHandler = (slot: number) => slot >= play.tasks.length;
  const facts: FactsBySlot = new Map();
  const probeSections = (from: number, only?: Set<number>): TaskSection[] =>
    playProbeSections(play, prefix, carry.texts, from, only);
  // Every exec re-reads the changed slot and the later ones it can touch; a slot's facts are
  // parsed when its task runs, from the latest records: n changes cost n parses per task
  // otherwise (and at a thousand hosts, most of the controller's allocations).
  const unparsed = new Map<number, ProbeRecords>();
  const readFacts = (records: Map<string, ProbeRecords>, from: number) => {
    for (let slot = from; slot < slots.length; slot++) {
      const section = records.get(sectionId(prefix, slot));
      if (!section) continue;
      unparsed.set(slot, section);
      facts.delete(slot);
    }
  };
  const factsOf = (slot: number): unknown => {
    const section = unparsed.get(slot);
    if (section) {
      unparsed.delete(slot);
      const task = slots[slot]!;
      try {
        facts.set(slot, task.module.parse(section, task.params));
      } catch (error) {
        facts.set(slot, new Error(`could not read facts: ${describeError(error)}`));
      }
    }
    return facts.get(slot);
  };
  // A task's facts serve its own run only. They hold slices of the output they were read from,
  // which keep that whole output alive: with 500 hosts at once, that is what a run holds.
  const forget = (slot: number) => {
    facts.delete(slot);
    unparsed.delete(slot);
  };
  const exec = (script: Parameters<Transport['exec']>[0], description: string, timeoutSec?: number) =>
    transport.exec(script, {
      timeoutMs: timeoutWithin(options, timeoutSec ? timeoutSec * 1000 : options.commandTimeoutMs),
      become: play.become,
      description,
    });

  let hostError: string | undefined;
  try {
    carry.records ??= await probeAll(transport, nonce, [...probeSections(0), ...later], play, options);
    readFacts(carry.records, 0);
  } catch (error) {
    const message = error instanceof HostAbort ? error.message : describeError(error);
    for (const task of play.tasks) record(skipped(play, task, false, message));
    return message;
  }

  const notified = new Set<string>();
  /** Check mode: resource -> name of the earlier task that would change it. */
  const pendingWrites = new Map<string, string>();
  const runSlot = async (slot: number): Promise<TaskResult> => {
    const task = slots[slot]!;
    const started = Date.now();
    const base = {
      play: play.name,
      name: task.name,
      module: task.module.name,
      handler: isHandler(slot),
      source: task.source,
    };
    const done = (status: TaskStatus, extra: Partial<TaskResult> = {}): TaskResult => ({
      ...base,
      status,
      changes: [],
      problems: [],
      ...extra,
      durationMs: Date.now() - started,
    });
    const slotFacts = factsOf(slot);
    if (slotFacts === undefined || slotFacts instanceof Error)
      return done('failed', {
        problems: [
          { severity: 'error', message: slotFacts?.message ?? 'the probe printed nothing for this task' },
        ],
      });
    const problems: Problem[] = task.module.inspect(task.params, slotFacts);
    const hasErrors = problems.some((problem) => problem.severity === 'error');
    const changes = hasErrors ? [] : task.module.plan(task.params, slotFacts);
    if (options.check) {
      const resources = task.module.resources?.(task.params);
      const dependency = resources?.reads.map((read) => pendingWrites.get(read)).find((pending) => pending);
      for (const write of resources?.writes ?? [])
        if (changes.length > 0 || hasErrors) pendingWrites.set(write, task.name);
      if (dependency && (hasErrors || changes.length > 0)) {
        // Planned against a host an earlier task would change first: not a failure, not a promise.
        for (const handler of task.notify) notified.add(handler);
        const reason = `planned against the host as it is now, but task "${dependency}" would change what this task reads first`;
        return done('may_change', {
          changes,
          problems: [
            { severity: 'warning', message: reason },
            ...problems.map((problem) => ({ ...problem, severity: 'warning' as const })),
          ],
        });
      }
    }
    if (hasErrors) return done('failed', { problems });
    if (changes.length === 0) return done('ok', { problems });
    if (options.check) {
      for (const handler of task.notify) notified.add(handler);
      return done('would_change', { changes, problems });
    }
    const steps = task.module.apply(task.params, changes, slotFacts);
    // The task's own facts (for verify), and those of the later tasks its change can touch.
    const stale = (section: TaskSection) => mayAffect(task, section.task);
    const [own, ...rest] = probeSections(slot);
    let applied: ExecResult;
    try {
      applied = await exec(
        applyScript(nonce, steps, [own!, ...rest.filter(stale), ...later.filter(stale)]),
        `apply "${task.name}": ${steps.map((step) => step.description).join('; ')}`,
        task.timeoutSec,
      );
    } catch (error) {
      const stuck =
        error instanceof ExecTimeoutError
          ? stuckStep(error, nonce, steps)
          : error instanceof ConnectionLostError
            ? { message: `${error.message}; ${interruptedAt(error.partialStdout, nonce, steps)}`, output: '' }
            : undefined;
      return done('failed', {
        changes,
        problems: [...problems, { severity: 'error', message: stuck?.message ?? describeError(error) }],
        ...(stuck?.output ? { output: stuck.output } : {}),
      });
    }
    if (applied.exitCode === null && applied.signal === null)
      // No exit status: the session ended under the script (sshd gone) before the connection
      // was seen to drop.
      return done('failed', {
        changes,
        problems: [
          ...problems,
          {
            severity: 'error',
            message: `the session ended without an exit status (sshd or the host went away); ${interruptedAt(applied.stdout, nonce, steps)}`,
          },
        ],
      });
    const records = parseProbeOutput(applied.stdout, nonce);
    if (!records.has(END_SECTION))
      return done('failed', {
        changes,
        problems: [
          ...problems,
          {
            severity: 'error',
            message: `${cutOff('the change', applied)}; ${interruptedAt(applied.stdout, nonce, steps)}`,
          },
        ],
      });
    // Sections this exec did not re-read keep the earlier read: nothing since has touched them.
    carry.records = new Map([...(carry.records ?? []), ...records]);
    for (let index = 0; index < steps.length; index++) {
      const stepResult = records.get(stepSectionId(index))?.commands.get('result');
      if (stepResult?.exitCode !== 0) {
        const step = steps[index]!;
        const output = stepResult?.output.trim() || applied.stderr.trim();
        return done('failed', {
          changes,
          problems: [
            ...problems,
            {
              severity: 'error',
              message: stepResult
                ? `${step.description}: exit ${stepResult.exitCode}${output ? `: ${output}` : ''}`
                : `${step.description}: did not run (${applied.stderr.trim() || `script exit ${applied.exitCode}`})`,
            },
          ],
          ...(output ? { output } : {}),
        });
      }
    }
    readFacts(records, slot);
    const after = factsOf(slot);
    if (after === undefined || after instanceof Error)
      return done('failed', {
        changes,
        problems: [...problems, { severity: 'error', message: 'could not re-read facts after the change' }],
      });
    const verifyProblems = task.module.verify(task.params, after);
    // Like Terraform's "inconsistent result after apply": core, not the module, checks that a
    // second plan on the new facts is empty.
    const remaining = task.module.plan(task.params, after).filter((change) => !change.repeats);
    for (const change of remaining)
      if (!verifyProblems.some((problem) => problem.severity === 'error'))
        verifyProblems.push({ severity: 'error', message: `still to change after apply: ${change.summary}` });
    const allProblems = [...problems.filter((problem) => problem.severity === 'warning'), ...verifyProblems];
    if (allProblems.some((problem) => problem.severity === 'error'))
      return done('failed', { changes, problems: allProblems });
    for (const handler of task.notify) notified.add(handler);
    return done('changed', { changes, problems: allProblems });
  };

  for (let slot = 0; slot < play.tasks.length; slot++) {
    if (options.signal?.aborted) {
      record(skipped(play, slots[slot]!, false, abortReason(options.signal)));
      continue;
    }
    if (hostError) {
      record(skipped(play, slots[slot]!, false, 'an earlier task failed on this host'));
      continue;
    }
    if (pastDeadline(options)) {
      hostError = 'deadline reached (--max-runtime or --host-timeout) before this task started';
      record(skipped(play, slots[slot]!, false, hostError));
      continue;
    }
    const taskResult = await runSlot(slot);
    forget(slot);
    record(taskResult);
    if (taskResult.status === 'failed') hostError = `task "${taskResult.name}" failed`;
  }

  // Handlers run once, after the tasks, when notified, also after a later task failed (the
  // changes that notified them were made). Their facts are fresh when the last change re-probed
  // them; after a failure they are probed again.
  const handlerSlots = play.handlers
    .map((handler, index) => ({ handler, slot: play.tasks.length + index }))
    .filter(({ handler }) => notified.has(handler.name));
  if (handlerSlots.length === 0) return hostError;
  if (hostError && !(play.rollout?.forceHandlers ?? options.forceHandlers ?? true)) {
    for (const { handler } of handlerSlots)
      record(skipped(play, handler, true, 'a task failed on this host and force_handlers is off'));
    return hostError;
  }
  if (hostError && !options.check) {
    try {
      const probed = await exec(
        probeScript(nonce, probeSections(play.tasks.length, new Set(handlerSlots.map(({ slot }) => slot)))),
        `probe facts for ${handlerSlots.length} handlers`,
      );
      const records = parseProbeOutput(probed.stdout, nonce);
      if (!records.has(END_SECTION)) throw new HostAbort(cutOff("the handlers' probe", probed));
      readFacts(records, play.tasks.length);
    } catch (error) {
      for (const { handler } of handlerSlots) record(skipped(play, handler, true, describeError(error)));
      return hostError;
    }
  }
  for (const { slot } of handlerSlots) {
    const handlerResult = await runSlot(slot);
    forget(slot);
    record(handlerResult);
    if (handlerResult.status === 'failed') hostError ??= `handler "${handlerResult.name}" failed`;
  }
  return hostError;
}
