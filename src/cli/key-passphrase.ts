import type { PassphraseSource } from '../ssh/index.js';

// Passphrases for encrypted private keys: from NETFIX_SSH_PASSPHRASE, or asked on the terminal
// with --ask-key-passphrase. They are handed to the key parser and nowhere else: never printed,
// never part of a message or a report.

export const passphraseEnvVar = 'NETFIX_SSH_PASSPHRASE';
/** As ssh does: three tries at the prompt, then the key is given up for the run. */
const promptAttempts = 3;

export function passphraseSource(args: {
  ask: boolean;
  env: NodeJS.ProcessEnv;
}): PassphraseSource | undefined {
  const fromEnv = args.env[passphraseEnvVar];
  // Read once: a later change of the environment cannot make hosts of one run disagree.
  const envValue = fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  if (!args.ask) {
    if (envValue === undefined) return undefined;
    return {
      describe: `the ${passphraseEnvVar} environment variable`,
      passphraseFor: async (_keyFile, attempt) => (attempt === 1 ? envValue : undefined),
    };
  }
  return {
    describe: envValue === undefined ? 'the prompt' : `${passphraseEnvVar} and the prompt`,
    passphraseFor: async (keyFile, attempt) => {
      if (envValue !== undefined && attempt === 1) return envValue;
      const asked = attempt - (envValue === undefined ? 0 : 1);
      if (asked > promptAttempts) return undefined;
      if (asked > 1) process.stderr.write('netfix: that passphrase does not decrypt the key; try again\n');
      return askHidden(`Enter passphrase for key '${keyFile}': `);
    },
  };
}

/** Reads one line from the terminal without echoing it. Ctrl-C or Ctrl-D gives up (undefined). */
function askHidden(question: string): Promise<string | undefined> {
  const input = process.stdin;
  return new Promise((resolve) => {
    let typed = '';
    const wasRaw = input.isRaw;
    // Echo off before the prompt shows, as readpassphrase(3) does: a passphrase typed the moment
    // the prompt appears must not reach the screen.
    input.setRawMode(true);
    input.resume();
    process.stderr.write(question);
    const finish = (value: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(typed);
        if (char === '\u0003' || char === '\u0004') return finish(undefined);
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}
