// Labs still running when the process ends are torn down: synchronously on 'exit' (the daemon
// would also notice EOF, but only after we are gone), and through stop() on SIGINT/SIGTERM.
const live = new Map<object, { stop(): Promise<void>; stopSync(): void }>();
let installed = false;

export function trackLab(lab: { stop(): Promise<void>; stopSync(): void }): void {
  live.set(lab, lab);
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const l of live.values()) l.stopSync();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([...live.values()].map((l) => l.stop())).then(() => {
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
    });
  }
}

export function untrackLab(lab: object): void {
  live.delete(lab);
}
