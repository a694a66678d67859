import { writeFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import {
  driftEvents,
  driftLines,
  historyLocation,
  historyPage,
  loadHostStatuses,
  loadObservations,
  loadRuns,
  openHistory,
  runLines,
} from '../history/index.js';
import { parseDuration, statePaths } from '../schedule/index.js';
import type { HistoryArgs } from './history.js';

export async function runHistory(argv: HistoryArgs): Promise<number> {
  const window = parseDuration(argv.since);
  if ('error' in window)
    throw new InputError([{ file: '--since', line: 0, col: 0, field: '', message: window.error }]);
  const location = historyLocation({
    history: argv.history === false ? undefined : argv.history,
    noHistory: argv.history === false,
    defaultSqlitePath: statePaths(argv['state-dir']).history,
  });
  if (location.kind === 'none')
    throw new InputError([
      { file: '--no-history', line: 0, col: 0, field: '', message: 'nothing to read with --no-history' },
    ]);
  const until = new Date().toISOString();
  const since = new Date(Date.now() - window.seconds * 1000).toISOString();
  const filter = { since, host: argv.host, schedule: argv.schedule };
  const db = await openHistory(location);
  try {
    const runs = await loadRuns(db, filter);
    const needsDrift = argv.drift || argv.html !== undefined;
    const observations = needsDrift ? await loadObservations(db, filter) : [];
    const events = needsDrift ? driftEvents(observations, since) : [];
    if (argv.json) {
      const hostStatuses = argv.host ? await loadHostStatuses(db, filter) : undefined;
      process.stdout.write(
        `${JSON.stringify(argv.drift ? { since, drift: events } : { since, runs, hostStatuses }, null, 2)}\n`,
      );
    } else if (argv.drift) process.stdout.write(`${driftLines(events).join('\n')}\n`);
    else {
      const hostStatuses = argv.host ? await loadHostStatuses(db, filter) : [];
      process.stdout.write(`${runLines(runs, hostStatuses, argv.host).join('\n')}\n`);
    }
    if (argv.html) {
      await writeFile(argv.html, historyPage({ runs, observations, events, since, until }));
      process.stdout.write(`page written to ${argv.html}\n`);
    }
  } finally {
    await db.close();
  }
  return 0;
}
