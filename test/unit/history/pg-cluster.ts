// A throwaway PostgreSQL cluster for tests: Debian's server binaries, a temp directory, a Unix
// socket only (listen_addresses=''), stopped and removed by stop(). Nothing listens on TCP.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  url: string;
  stop(): void;
}

function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      'PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin/initdb): run scripts/ensure-host-deps.sh, or apt-get install postgresql',
    );
  return join(root, newest, 'bin');
}

export function startPostgres(): PgCluster {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'netfix-pg-'));
  const data = join(dir, 'data');
  // initdb refuses to run as root: as root, run the server as Debian's postgres user.
  const asPostgres = process.getuid?.() === 0;
  const uid = asPostgres ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : undefined;
  const gid = asPostgres ? Number(execFileSync('id', ['-g', 'postgres']).toString()) : undefined;
  if (uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const run = (tool: string, args: string[]) =>
    execFileSync(
      asPostgres ? 'runuser' : join(bin, tool),
      asPostgres ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args,
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  const port = 20000 + Math.floor(Math.random() * 20000);
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not started, or already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-k ${dir} -p ${port} -c listen_addresses=''`,
      'start',
    ]);
  } catch (error) {
    stop();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not start a test PostgreSQL in ${dir}: ${(error as Error).message}\n${stderr}`);
  }
  return { url: `postgresql://postgres@${encodeURIComponent(dir)}:${port}/postgres`, stop };
}
