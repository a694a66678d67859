// The floor: the least any SSH tool must do per host, written plainly with ssh2. One connection
// per host, all at once; the host key checked against known_hosts; one exec of `cat`; close.
// Compiled to plain JavaScript before the bench runs it (compile-floor.ts), so it starts like
// netfix's compiled dist/, without a TypeScript loader.
//   node floor.mjs JOB.json   ->   stdout: FloorResult as JSON
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';

export interface FloorJob {
  user: string;
  privateKeyPath: string;
  knownHostsPath: string;
  hosts: Array<{ name: string; address: string; port: number }>;
}

export interface FloorHostResult {
  name: string;
  /** What `cat /proc/sys/kernel/hostname` printed: the host's name proves which host answered. */
  output: string;
  error?: string;
  connects: number;
  execs: number;
}

export interface FloorResult {
  hosts: FloorHostResult[];
}

/** Plain `address keytype base64` lines only: the bench writes the file itself. */
function readKnownHosts(file: string): Map<string, { type: string; blob: Buffer }> {
  const keys = new Map<string, { type: string; blob: Buffer }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [address, type, base64] = line.trim().split(/\s+/);
    if (address && type && base64) keys.set(address, { type, blob: Buffer.from(base64, 'base64') });
  }
  return keys;
}

function catOnce(
  job: FloorJob,
  host: FloorJob['hosts'][number],
  privateKey: Buffer,
  key: { type: string; blob: Buffer } | undefined,
): Promise<FloorHostResult> {
  const result: FloorHostResult = { name: host.name, output: '', connects: 0, execs: 0 };
  if (!key) return Promise.resolve({ ...result, error: 'no known_hosts entry' });
  const client = new ssh2.Client();
  return new Promise((resolve) => {
    const done = (error?: Error) => {
      client.end();
      resolve(error ? { ...result, error: error.message } : result);
    };
    client.on('error', done);
    client.on('ready', () => {
      result.connects++;
      result.execs++;
      client.exec('cat /proc/sys/kernel/hostname', (error, channel) => {
        if (error) return done(error);
        channel.on('data', (chunk: Buffer) => {
          result.output += chunk.toString();
        });
        channel.stderr.resume();
        channel.on('close', () => done());
      });
    });
    client.connect({
      host: host.address,
      port: host.port,
      username: job.user,
      privateKey,
      readyTimeout: 300_000, // 1000 handshakes at once on two shared cores
      algorithms: { serverHostKey: [key.type as ssh2.ServerHostKeyAlgorithm] },
      hostVerifier: (offered: Buffer) => offered.equals(key.blob),
    });
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as FloorJob;
  const knownHosts = readKnownHosts(job.knownHostsPath);
  const privateKey = readFileSync(job.privateKeyPath);
  const hosts = await Promise.all(
    job.hosts.map((host) => catOnce(job, host, privateKey, knownHosts.get(host.address))),
  );
  const result: FloorResult = { hosts };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
