import type { Argv } from 'yargs';
import { parseShard, type Shard } from '../schedule/shard.js';
import { defaultStateDir } from '../schedule/state-dir.js';

// Option groups of the schedule and history commands. withHistoryOptions and withShardOption
// are also meant for `apply` (see the issue 8 report).

/** `--history X` gives the string, `--no-history` gives false (yargs' negation). */
function historyValue(value: unknown): string | false | undefined {
  const last: unknown = Array.isArray(value) ? value.at(-1) : value;
  if (last === undefined || last === false) return last;
  if (typeof last !== 'string' || last === '')
    throw new Error('--history needs a postgres:// URL or a SQLite file path');
  return last;
}

export function withHistoryOptions<T>(yargs: Argv<T>) {
  return yargs.option('history', {
    type: 'string',
    coerce: historyValue,
    describe:
      'where runs are recorded: postgres://… or a SQLite file (default: $NETFIX_HISTORY_URL, else history.sqlite in the state dir); --no-history records nothing',
  });
}

function shardValue(value: unknown): Shard | undefined {
  if (value === undefined) return undefined;
  const parsed = parseShard(String(Array.isArray(value) ? value.at(-1) : value));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

export function withShardOption<T>(yargs: Argv<T>) {
  return yargs.option('shard', {
    type: 'string',
    coerce: shardValue,
    describe: 'K/N: only the hosts in shard K (0..N-1) of N, by a hash of the host name',
  });
}

export function withStateDirOption<T>(yargs: Argv<T>) {
  return yargs.option('state-dir', {
    type: 'string',
    default: defaultStateDir(),
    defaultDescription: '$NETFIX_STATE_DIR, /var/lib/netfix as root, ~/.local/state/netfix',
    describe: 'schedules, locks, reports and the default SQLite history',
  });
}
