import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

// Where schedules, locks, reports and the default SQLite history live. Root gets the FHS place
// for variable state; anyone else the XDG state directory, so a user timer needs no privileges.

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): string {
  if (env.NETFIX_STATE_DIR) return resolve(env.NETFIX_STATE_DIR);
  if (uid === 0) return '/var/lib/netfix';
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'netfix');
}

export function statePaths(stateDir: string) {
  return {
    schedules: join(stateDir, 'schedules'),
    locks: join(stateDir, 'locks'),
    reports: join(stateDir, 'reports'),
    logs: join(stateDir, 'logs'),
    history: join(stateDir, 'history.sqlite'),
  };
}
