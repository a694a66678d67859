import { spawn } from 'node:child_process';

// `--on-drift CMD`: a local command (pager, ticket) fed the drift summary as JSON on stdin.
// It runs in /bin/sh like a cron line; netfix waits for it, with a deadline, and reports how it
// ended, but its failure does not change the run's result.

export async function runOnDrift(
  command: string,
  summary: unknown,
  timeoutMs = 60_000,
): Promise<{ exitCode: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const keep = (chunk: Buffer) => {
      if (output.length < 4000) output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, output: error.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, output: output.trim(), timedOut });
    });
    // A command that does not read stdin closes it early: that is not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(`${JSON.stringify(summary, null, 2)}\n`);
  });
}
