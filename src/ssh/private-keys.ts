import { readFile } from 'node:fs/promises';
import ssh2, { type ParsedKey } from 'ssh2';

// Private key files named in the inventory, read and parsed once per file for the whole run:
// a fleet usually shares one key, and every host would otherwise re-read and re-parse it.

/** The key file cannot be used; the message names the file and what to do. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

const keysByPath = new Map<string, Promise<ParsedKey>>();

export function loadPrivateKey(path: string): Promise<ParsedKey> {
  let key = keysByPath.get(path);
  if (!key) {
    key = readAndParse(path);
    keysByPath.set(path, key);
    // Settle the cached promise's rejection here; each caller still sees it when awaiting.
    key.catch(() => undefined);
  }
  return key;
}

async function readAndParse(path: string): Promise<ParsedKey> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch (error) {
    throw new KeyFileError(`cannot read private key file ${path}: ${(error as Error).message}`);
  }
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) {
    if (/passphrase|encrypted/i.test(parsed.message)) {
      throw new KeyFileError(
        `private key file ${path} is encrypted and netfix does not ask for passphrases: load it into ` +
          `ssh-agent (ssh-add ${path}) and leave the key file out of the inventory, so the agent is used`,
      );
    }
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
