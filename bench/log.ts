// Progress on stderr, with the minutes since the bench started: a default run takes a while.
export function log(message: string): void {
  const elapsed = (process.uptime() / 60).toFixed(1).padStart(5);
  process.stderr.write(`[${elapsed} min] ${message}\n`);
}
