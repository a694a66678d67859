import { resolve } from 'node:path';

// Where the history goes: --history beats NETFIX_HISTORY_URL beats the default SQLite file in
// the state directory; --no-history turns it off.

export type HistoryLocation =
  | { kind: 'postgres'; url: string }
  | { kind: 'sqlite'; path: string }
  | { kind: 'none' };

export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

export function historyLocation(
  options: { history?: string | undefined; noHistory?: boolean | undefined; defaultSqlitePath: string },
  env: NodeJS.ProcessEnv = process.env,
): HistoryLocation {
  if (options.noHistory) return { kind: 'none' };
  const given = options.history ?? (env.NETFIX_HISTORY_URL || undefined);
  if (given === undefined) return { kind: 'sqlite', path: options.defaultSqlitePath };
  if (isPostgresUrl(given)) return { kind: 'postgres', url: given };
  return { kind: 'sqlite', path: resolve(given.replace(/^sqlite:(\/\/)?/i, '')) };
}
