// Issue 6, faults mid-run: a host's sshd (and everything in the host) killed at random points
// while netfix writes files, a host that reboots mid-run, the controller killed with SIGKILL, and
// the link cut in the middle of a script's upload. Whatever the point, each file is byte for byte
// its old or its new content, a temporary file left by a killed shell is gone after the next run,
// the report names the host and the step, and the next run converges.
// NETFIX_FAULTS_SEED=<n> replays the same targets and delays; where a kill lands within the write
// still depends on the machine's timing.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, type FSWatcher, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunResult } from '../../src/engine/index.js';
import { type Lab, startLab } from '../lab/index.js';
import { labFlags, netfixBin, readReport, runNetfix, scratchDir, writePlaybook } from './netfix-cli.js';

const TRIALS = 20;
const BIG = '/etc/netfix-faults/big.conf';
const SYSCTL = '/etc/sysctl.d/90-faults.conf';
/** Big enough that writing it takes measurable time; small enough that probing it (the probe reads with sh builtins) stays well under a second. */
const BIG_LINES = 20_000;

const seed = Number(process.env.NETFIX_FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`faults-write: NETFIX_FAULTS_SEED=${seed}`);

/** mulberry32: a small seeded generator, so a failing sequence of kill points can be replayed. */
function generator(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = generator(seed);

/**
 * About 2 MB, different for every version in a few lines only: a whole-file rewrite would spend
 * minutes in the plan's unified diff (quadratic in changed lines), not in the write under test.
 * A partial copy equals no version: each ends with a line naming it.
 */
function bigContent(version: number): string {
  const lines: string[] = [];
  for (let line = 0; line < BIG_LINES; line++)
    lines.push(`${line % 2000 === 0 ? `version ${version} ` : ''}line ${line} `.padEnd(99, '.'));
  lines.push(`end of version ${version}`);
  return `${lines.join('\n')}\n`;
}

const sysctlValue = (version: number) => String(1000 + version);

const PLAYBOOK = `- name: Faults while writing
  hosts: all
  tasks:
    - name: somaxconn persisted
      sysctl:
        name: net.core.somaxconn
        value: "{{ somaxconn }}"
        file: ${SYSCTL}
    - name: big file
      template:
        src: "{{ big_src }}"
        dest: ${BIG}
        mode: "0644"
`;

/** A file inside a host, read from the lab directory (the /etc overlay's upper layer): no process in the host. */
function hostPath(lab: Lab, host: string, path: string): string {
  assert.ok(path.startsWith('/etc/'));
  return join(lab.dir, 'hosts', host, 'etc', path.slice('/etc/'.length));
}

function readHostFile(lab: Lab, host: string, path: string): string | null {
  try {
    return readFileSync(hostPath(lab, host, path), 'utf8');
  } catch {
    return null;
  }
}

/** netfix's temporary files next to each of `paths` (nf_write names them .NAME.netfix-tmp.PID). */
function tempFiles(lab: Lab, host: string, paths: string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const dir = hostPath(lab, host, path.slice(0, path.lastIndexOf('/')));
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (name.includes('.netfix-tmp.')) found.add(join(dir, name));
  }
  return [...found];
}

/**
 * Resolves when a temporary file for `path` appears on the host: inotify on the upper layer, and a
 * poll in case the event is missed. The write is in progress from then until its rename.
 */
function whenTempAppears(
  lab: Lab,
  host: string,
  path: string,
): { appeared: Promise<void>; stop: () => void } {
  const dir = hostPath(lab, host, path.slice(0, path.lastIndexOf('/')));
  const prefix = `.${path.slice(path.lastIndexOf('/') + 1)}.netfix-tmp.`;
  let watcher: FSWatcher | undefined;
  let poll: NodeJS.Timeout | undefined;
  const stop = () => {
    watcher?.close();
    clearInterval(poll);
  };
  const appeared = new Promise<void>((resolve) => {
    const seen = () => {
      stop();
      resolve();
    };
    watcher = watch(dir, (_event, name) => {
      if (name?.startsWith(prefix)) seen();
    });
    poll = setInterval(() => {
      if (readdirSync(dir).some((name) => name.startsWith(prefix))) seen();
    }, 5);
  });
  return { appeared, stop };
}

interface Apply {
  child: ChildProcess;
  closed: Promise<number | null>;
  output: () => string;
}

function startApply(args: string[]): Apply {
  const child = spawn(process.execPath, [netfixBin, ...args], {
    env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, closed, output: () => output };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every task of every host was already as wanted. */
function changedTasks(result: RunResult): string[] {
  return result.hosts.flatMap((host) =>
    host.tasks
      .filter((task) => task.status !== 'ok')
      .map((task) => `${host.name}: ${task.name} ${task.status}`),
  );
}

/** The failed task of `host` and what its problems say. */
function interruption(result: RunResult, host: string): { task: string; message: string } {
  const hostResult = result.hosts.find((candidate) => candidate.name === host);
  assert.ok(hostResult, `${host} is in the report`);
  const failed = hostResult.tasks.find((task) => task.status === 'failed');
  assert.ok(failed, `a task of ${host} failed: ${JSON.stringify(hostResult)}`);
  return { task: failed.name, message: failed.problems.map((problem) => problem.message).join('\n') };
}

/**
 * Processes in the host other than sshd (the netfix session's shell and what it runs), as
 * `pid comm`. The lab has no pid namespace: the host's are those in its mount namespace.
 */
async function sessionProcesses(lab: Lab, host: string): Promise<string> {
  const script = `me=$(readlink /proc/$$/ns/mnt)
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$me" ] || continue
  read -r pid comm state ppid pgid rest < "$p/stat" 2>/dev/null || continue
  [ "$pgid" = "$$" ] && continue  # this script and its command substitutions
  [ "$comm" = "(sshd)" ] || echo "$pid $comm"
done`;
  return (await lab.sh(host, script)).stdout.trim();
}

/**
 * A TCP relay to one host's sshd whose link is cut after a given number of bytes toward the host:
 * from then on nothing passes either way and nothing is closed, as when a cable is pulled.
 */
async function startRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let sent = 0;
  let cutAt = Number.POSITIVE_INFINITY;
  let cut = false;
  const server = createServer((client) => {
    const upstream = connect(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => {
      if (cut) return;
      const room = cutAt - sent;
      cut = chunk.length >= room;
      upstream.write(cut ? chunk.subarray(0, room) : chunk);
      sent += cut ? room : chunk.length;
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cut) client.write(chunk);
    });
    client.on('end', () => {
      if (!cut) upstream.end();
    });
    upstream.on('end', () => {
      if (!cut) client.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Counted over every connection through the relay (netfix makes one per host). */
    cutAfter: (bytes: number) => {
      cutAt = bytes;
    },
    wasCut: () => cut,
    /** The link is reset: both ends see the connection end. */
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('faults in the middle of a file write', () => {
  let lab: Lab;
  const work = scratchDir();
  const bigSrc = join(work, 'big.hbs');
  const playbook = writePlaybook(work, 'faults.yml', PLAYBOOK);
  let version = 0;
  const flags = (v: number, ...more: string[]) => [
    'apply',
    '-e',
    `big_src=${bigSrc}`,
    '-e',
    `somaxconn=${sysctlValue(v)}`,
    ...(more.includes('--timeout') ? [] : ['--timeout', '30']),
    ...more,
    playbook,
  ];

  /** Converges the hosts on the current version, then checks that a second run changes nothing. */
  const converge = async (limit: string | undefined, why: string) => {
    const limitFlags = limit ? ['--limit', limit] : [];
    const first = join(work, 'converge.json');
    const run = await runNetfix(flags(version, ...labFlags(lab), ...limitFlags, '--report', first));
    assert.equal(run.exitCode, 0, `${why}: the next run converges\n${run.stdout}\n${run.stderr}`);
    const second = join(work, 'again.json');
    const again = await runNetfix(flags(version, ...labFlags(lab), ...limitFlags, '--report', second));
    assert.equal(again.exitCode, 0, `${why}: second run\n${again.stdout}\n${again.stderr}`);
    assert.deepEqual(changedTasks(await readReport(second)), [], `${why}: the second run changes nothing`);
    for (const host of limit ? [limit] : lab.hosts.map((h) => h.name)) {
      assert.deepEqual(
        tempFiles(lab, host, [BIG, SYSCTL]),
        [],
        `${why}: temporary files on ${host} after the next run`,
      );
      assert.equal(readHostFile(lab, host, BIG), bigContent(version), `${why}: ${host} converged`);
    }
  };

  interface Fault {
    why: string;
    /** Hosts the run covers (its --limit); the first is watched. */
    hosts: string[];
    /** When to strike: extraMs after a temporary file of `target` appears on the watched host. */
    moment: { target: string; extraMs: number };
    /** What happens to the run at that moment. */
    strike: (run: Apply) => Promise<void>;
    /** Once the run ended, before the hosts are read and the next run starts: bring the host back, and the like. */
    recover: () => Promise<void>;
    /** How the interrupted run reaches the hosts (default: the lab's inventory), and its reports. */
    args: string[];
  }

  /**
   * Starts a run that wants the next version, strikes while it writes, and returns what the
   * watched host looked like afterwards. Then converges, and checks that every file of every
   * host was, just after the fault, its old or its new content.
   */
  const interrupt = async (fault: Fault) => {
    const watched = fault.hosts[0]!;
    const old = new Map(
      fault.hosts.map((host) => [
        host,
        { big: readHostFile(lab, host, BIG), sysctl: readHostFile(lab, host, SYSCTL) },
      ]),
    );
    version++;
    writeFileSync(bigSrc, bigContent(version));
    const { target, extraMs } = fault.moment;
    const watch = whenTempAppears(lab, watched, target);
    const limit = fault.hosts.length === lab.hosts.length ? undefined : fault.hosts.join(',');
    const run = startApply(flags(version, ...(limit ? ['--limit', limit] : []), ...fault.args));
    const started = Date.now();
    const first = await Promise.race([
      watch.appeared.then(() => 'write' as const),
      run.closed.then(() => 'exit' as const),
    ]);
    watch.stop();
    assert.equal(first, 'write', `${fault.why}: the run ended before it wrote ${target}\n${run.output()}`);
    const writtenAt = Date.now() - started;
    await sleep(extraMs);
    await fault.strike(run);
    const exitCode = await run.closed;
    await fault.recover();
    const afterFault = new Map(
      fault.hosts.map((host) => [
        host,
        {
          big: readHostFile(lab, host, BIG),
          sysctl: readHostFile(lab, host, SYSCTL),
          temps: tempFiles(lab, host, [BIG, SYSCTL]),
        },
      ]),
    );
    await converge(limit, fault.why);
    for (const host of fault.hosts) {
      const was = old.get(host)!;
      const now = afterFault.get(host)!;
      assert.ok(
        now.big === was.big || now.big === bigContent(version),
        `${fault.why}: ${host}:${BIG} is neither old nor new (${now.big?.length} bytes)`,
      );
      // The new sysctl.d file is whatever the converged run wrote.
      const convergedSysctl = readHostFile(lab, host, SYSCTL);
      assert.ok(
        now.sysctl === was.sysctl || now.sysctl === convergedSysctl,
        `${fault.why}: ${host}:${SYSCTL} is neither old nor new:\n${now.sysctl}`,
      );
    }
    const seen = afterFault.get(watched)!;
    const was = old.get(watched)!;
    const summary = `${fault.why}: ${target} written ${writtenAt} ms into the run, struck ${extraMs} ms later -> big ${seen.big === was.big ? 'old' : 'new'}, sysctl ${seen.sysctl === was.sysctl ? 'old' : 'new'}, ${seen.temps.length} temporary file(s) until the next run`;
    return { exitCode, output: run.output(), seen, summary };
  };

  before(async () => {
    lab = await startLab({ hosts: 2 });
    writeFileSync(bigSrc, bigContent(version));
    // Put there by hand: creating the file would cost the run a diff of every line (see bigContent).
    for (const host of lab.hosts) {
      const seeded = await lab.sh(
        host.name,
        `mkdir -p ${BIG.slice(0, BIG.lastIndexOf('/'))} && cat > ${BIG}`,
        {
          stdin: bigContent(version),
        },
      );
      assert.equal(seeded.exitCode, 0, seeded.stderr);
    }
    await converge(undefined, 'setup');
  });
  after(async () => {
    await lab?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it(`sshd killed at ${TRIALS} random points: old or new file, never partial; the report names the step; the next run converges`, {
    timeout: 600_000,
  }, async () => {
    const host = 'hv001';
    let inStep = 0;
    for (let trial = 1; trial <= TRIALS; trial++) {
      // The kill comes a random 0-60 ms after a temporary file appears: for the big file, while it
      // is written or renamed, or while the host is re-read after it (which takes longer than
      // that); for the sysctl.d file, in the rest of that task or in the big file's. Either way
      // within the run, never after it.
      const roll = random();
      const report = join(work, `trial-${trial}.json`);
      const { exitCode, output, summary } = await interrupt({
        why: `trial ${trial}`,
        hosts: [host],
        moment: { target: roll < 0.7 ? BIG : SYSCTL, extraMs: Math.floor(random() * (roll < 0.4 ? 15 : 60)) },
        strike: () => lab.stopHost(host),
        recover: () => lab.startHost(host),
        args: [...labFlags(lab), '--report', report],
      });
      assert.equal(exitCode, 2, `trial ${trial}: the run fails for the killed host\n${output}`);
      const { task, message } = interruption(await readReport(report), host);
      console.log(`${summary}; "${task}": ${message}`);
      assert.match(
        message,
        /(connection lost|session ended).*; interrupted (in|after|before) (its last )?step/s,
      );
      if (/interrupted in step/.test(message)) inStep++;
    }
    console.log(`faults-write: ${inStep} of ${TRIALS} kills landed inside a step`);
    // What the issue asks for is kills inside the write; kills only before or after it would
    // test nothing.
    assert.ok(
      inStep > 0,
      'no kill landed inside a step: the write window is narrower than the kill latency here',
    );
  });

  it('a host that reboots mid-run: the report names the step, files are old or new, the next run converges', {
    timeout: 120_000,
  }, async () => {
    const host = 'hv001';
    const report = join(work, 'reboot.json');
    const { exitCode, output, summary } = await interrupt({
      why: 'reboot',
      hosts: [host],
      moment: { target: BIG, extraMs: Math.floor(random() * 15) },
      // Power gone: every process ends at once, then the boot replays the persisted config.
      strike: async () => {
        await lab.stopHost(host);
        await lab.reboot([host]);
      },
      recover: async () => {
        // The boot applied whichever sysctl.d file the fault left, old or new.
        const persisted = /^net\.core\.somaxconn = (\d+)$/m.exec(readHostFile(lab, host, SYSCTL) ?? '')?.[1];
        assert.equal((await lab.sh(host, 'sysctl -n net.core.somaxconn')).stdout.trim(), persisted);
        await lab.startHost(host);
      },
      args: [...labFlags(lab), '--report', report],
    });
    assert.equal(exitCode, 2, output);
    const { task, message } = interruption(await readReport(report), host);
    console.log(`${summary}; "${task}": ${message}`);
    assert.match(message, /interrupted (in|after|before) (its last )?step/);
    // The boot applied what the sysctl.d file said, and the converged run what the play says.
    assert.equal((await lab.sh(host, 'sysctl -n net.core.somaxconn')).stdout.trim(), sysctlValue(version));
  });

  it('the controller killed with SIGKILL mid-run: no half-written file on any host, the JSONL report reads up to the kill, the next run converges', {
    timeout: 120_000,
  }, async () => {
    const jsonl = join(work, 'killed.jsonl');
    const hosts = lab.hosts.map((h) => h.name);
    const { exitCode, summary } = await interrupt({
      why: 'controller SIGKILL',
      hosts,
      moment: { target: BIG, extraMs: Math.floor(random() * 15) },
      strike: async (run) => {
        run.child.kill('SIGKILL');
      },
      // The sessions outlive the controller until they notice: let them end before reading the
      // hosts, as the next run would find them.
      recover: async () => {
        for (const host of hosts)
          for (let attempt = 0; (await sessionProcesses(lab, host)) !== ''; attempt++) {
            assert.ok(attempt < 300, `${host}: the session is still running 30 s after the controller died`);
            await sleep(100);
          }
      },
      args: [...labFlags(lab), '--report', jsonl],
    });
    console.log(summary);
    assert.equal(exitCode, null, 'the controller died of the signal');
    const lines = readFileSync(jsonl, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the report ends with a whole line');
    const events = lines.map((line) => JSON.parse(line) as { type: string; host?: string });
    assert.equal(events[0]?.type, 'run-start');
    assert.ok(
      events.some((event) => event.type === 'host-start' && event.host === hosts[0]),
      'the watched host had started',
    );
    assert.ok(!events.some((event) => event.type === 'run-end'), 'no run-end line: the run was killed');
  });

  it('the link cut at a random point of the upload: no part of the script runs, the report names the task, the next run converges', {
    timeout: 180_000,
  }, async () => {
    const host = lab.hosts[0]!;
    const relay = await startRelay({ host: host.address, port: host.port });
    try {
      const inventory = join(work, 'relayed.yml');
      writeFileSync(
        inventory,
        `all:\n  hosts:\n    ${host.name}:\n      ansible_host: 127.0.0.1\n      ansible_port: ${relay.port}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${lab.privateKeyPath}\n`,
      );
      const knownHosts = join(work, 'relayed_known_hosts');
      writeFileSync(
        knownHosts,
        `[127.0.0.1]:${relay.port} ${host.knownHostsLine.split(' ').slice(1).join(' ')}\n`,
      );
      const old = readHostFile(lab, host.name, BIG);
      version++;
      writeFileSync(bigSrc, bigContent(version));
      // The big file's apply script is about 2 MB and all that goes before it a few kB: a cut
      // between 10% and 90% of 2 MB lands inside that script's upload.
      const cutAt = Math.floor((0.1 + 0.8 * random()) * bigContent(version).length);
      relay.cutAfter(cutAt);
      const report = join(work, 'cut.json');
      const run = await runNetfix(
        flags(version, '-i', inventory, '--known-hosts', knownHosts, '--timeout', '3', '--report', report),
      );
      assert.ok(relay.wasCut(), `the run sent fewer than ${cutAt} bytes\n${run.stdout}`);
      assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
      const { task, message } = interruption(await readReport(report), host.name);
      console.log(`network cut after ${cutAt} bytes; "${task}": ${message}`);
      assert.equal(task, 'big file');
      assert.match(
        message,
        /timed out after 3s.*; interrupted before step 1\/1 \(update \/etc\/netfix-faults\/big\.conf/s,
      );
      // The link comes back as a reset: sshd ends the session, whose shell saw half a script.
      await relay.close();
      for (let attempt = 0; (await sessionProcesses(lab, host.name)) !== ''; attempt++) {
        assert.ok(attempt < 300, 'the session is still running 30 s after the link was reset');
        await sleep(100);
      }
      // A step is a shell function called after its whole body arrived: half a script writes nothing.
      assert.equal(readHostFile(lab, host.name, BIG), old, 'the big file is untouched');
      assert.deepEqual(tempFiles(lab, host.name, [BIG]), []);
    } finally {
      await relay.close();
    }
    await converge(host.name, 'network cut');
  });
});
