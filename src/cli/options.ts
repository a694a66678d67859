import type { Argv } from 'yargs';

// Option groups shared by commands, as nx does: each adds its options and returns the typed argv.

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** `--secret-vars a,b --secret-vars c` -> [a, b, c]. */
function toNames(value: string | string[]): string[] {
  return toList(value)
    .flatMap((entry) => entry.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
}

export function withInventoryOptions<T>(yargs: Argv<T>) {
  return (
    yargs
      // Not `array: true`: a greedy array would swallow the playbooks after `-i FILE`. Repeating the
      // flag gives several values; coerce makes one value a list too.
      .option('inventory', {
        alias: 'i',
        type: 'string',
        coerce: toList,
        demandOption: 'give at least one inventory with -i FILE',
        describe: 'Ansible-style YAML inventory (repeatable; later files win)',
      })
      .option('limit', { type: 'string', describe: "host pattern to narrow the run, e.g. 'web:!web3'" })
      .option('extra-vars', {
        alias: 'e',
        type: 'string',
        coerce: toList,
        default: [] as string[],
        describe: 'variables as k=v (repeatable); override inventory and play vars',
      })
  );
}

/** How reports render: shared by `apply --report` and `netfix report`. */
export function withReportOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('report-template', {
      type: 'string',
      coerce: toList,
      default: [] as string[],
      describe: 'handlebars template replacing the built-in one: NAME.html.hbs or NAME.md.hbs (repeatable)',
    })
    .option('fail-on-change', {
      type: 'boolean',
      default: false,
      describe: 'in the JUnit report, a task that changed or would change is a failure',
    });
}

/** How hosts are reached: `apply` and the runs a schedule keeps take the same. */
export function withConnectionOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('forks', { type: 'number', describe: 'hosts at once (default: all selected, at most 500)' })
    .option('timeout', { type: 'number', default: 60, describe: 'seconds per remote command' })
    .option('connect-timeout', {
      type: 'number',
      default: 10,
      describe: 'seconds to connect and authenticate',
    })
    .option('known-hosts', { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts)' })
    .option('accept-new-host-keys', {
      type: 'boolean',
      default: false,
      describe: 'record unknown host keys (changed keys are always refused)',
    });
}

/** Read by `apply` only: a schedule's runs read ~/.ssh/config and NETFIX_SSH_PASSPHRASE. */
export function withSshClientOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('ssh-config', {
      type: 'string',
      describe: "OpenSSH client config to read (default ~/.ssh/config if it exists; 'none' reads none)",
    })
    .option('ask-key-passphrase', {
      type: 'boolean',
      default: false,
      describe:
        'ask on the terminal for the passphrase of encrypted private keys (else NETFIX_SSH_PASSPHRASE)',
    });
}

export function withRunOptions<T>(yargs: Argv<T>) {
  return withSshClientOptions(withConnectionOptions(withReportOptions(yargs)))
    .option('check', { type: 'boolean', default: false, describe: 'change nothing; say what would change' })
    .option('diff', { type: 'boolean', default: false, describe: 'show file changes as unified diffs' })
    .option('stats', { type: 'boolean', default: false, describe: 'show connects, execs and bytes per host' })
    .option('max-runtime', {
      type: 'string',
      describe:
        'stop the whole run after this long (90s, 15min, 1h): nothing new starts, running commands time out; exit 2',
    })
    .option('host-timeout', {
      type: 'string',
      describe: 'the most one host may take, all its plays together (90s, 15min); then it fails',
    })
    .option('batch-pause', {
      type: 'string',
      describe: 'wait this long between two batches of a play with serial (30s, 5min)',
    })
    .option('force-handlers', {
      type: 'boolean',
      default: true,
      describe:
        "run notified handlers on a host even after a later task failed there (--no-force-handlers: skip them, as Ansible does by default); a play's force_handlers wins",
    })
    .option('report', {
      type: 'string',
      coerce: toList,
      default: [] as string[],
      describe:
        'write a report; repeatable; the extension names the format: .json (run result), .jsonl (events, streamed), .md, .html, .xml (JUnit)',
    })
    .option('secret-vars', {
      type: 'string',
      coerce: toNames,
      default: [] as string[],
      describe: 'variables whose values never appear in any output or report (repeatable, or a,b)',
    })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      default: false,
      describe: 'also show tasks that were ok',
    });
}

/** `k=v` strings to a map; a malformed one is an input error naming the flag. */
export function parseExtraVars(pairs: readonly string[]): { vars: Record<string, string>; errors: string[] } {
  const vars: Record<string, string> = {};
  const errors: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) errors.push(`--extra-vars '${pair}': expected NAME=VALUE`);
    else vars[key] = pair.slice(eq + 1);
  }
  return { vars, errors };
}
