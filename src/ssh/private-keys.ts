import { readFile } from 'node:fs/promises';
import ssh2, { type ParsedKey } from 'ssh2';
import type { PassphraseSource } from './transport.js';

// Private key files named in the inventory or ssh config, read, decrypted and parsed once per file
// for the whole run: a fleet usually shares one key, and every host would otherwise re-read,
// re-parse and (for an encrypted key) re-ask and re-run the slow key derivation.

/** The key file cannot be used; the message names the file and what to do. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

const keysByPath = new Map<string, Promise<ParsedKey>>();

/**
 * The parsed key, decrypted with a passphrase from `passphrases` when the file is encrypted. The
 * first caller reads (and asks) for every host using the file; the others await its result.
 */
export function loadPrivateKey(path: string, passphrases?: PassphraseSource): Promise<ParsedKey> {
  let key = keysByPath.get(path);
  if (!key) {
    key = readAndParse(path, passphrases);
    keysByPath.set(path, key);
    // Settle the cached promise's rejection here; each caller still sees it when awaiting.
    key.catch(() => undefined);
  }
  return key;
}

const isEncryptedError = (error: Error) => /passphrase|encrypted/i.test(error.message);

async function readAndParse(path: string, passphrases: PassphraseSource | undefined): Promise<ParsedKey> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch (error) {
    throw new KeyFileError(`cannot read private key file ${path}: ${(error as Error).message}`);
  }
  let parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error && isEncryptedError(parsed)) {
    const ways =
      'set the passphrase in the NETFIX_SSH_PASSPHRASE environment variable, run with --ask-key-passphrase ' +
      'on a terminal, or load the key into ssh-agent (ssh-add) and leave the key file out of the inventory';
    let attempts = 0;
    for (;;) {
      const passphrase = await passphrases?.passphraseFor(path, attempts + 1);
      if (passphrase === undefined) break;
      attempts++;
      parsed = ssh2.utils.parseKey(text, passphrase);
      if (!(parsed instanceof Error) || !isEncryptedError(parsed)) break;
    }
    // ssh2's message never holds the passphrase, but the wording here is netfix's own anyway.
    if (parsed instanceof Error && isEncryptedError(parsed)) {
      throw new KeyFileError(
        attempts === 0
          ? `private key file ${path} is encrypted and no passphrase was given: ${ways}`
          : `private key file ${path} is encrypted and the passphrase from ${passphrases?.describe} does not ` +
              `decrypt it: ${ways}`,
      );
    }
  }
  if (parsed instanceof Error) {
    throw new KeyFileError(`private key file ${path} cannot be used: ${parsed.message}`);
  }
  // At run time ssh2 returns an array for OpenSSH-format files (which could hold several keys and
  // hold one in practice); its type declarations do not say so.
  const key: ParsedKey | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key?.isPrivateKey()) {
    throw new KeyFileError(`${path} holds no private key (is it the .pub file?)`);
  }
  return key;
}
