import type { ServerHostKeyAlgorithm } from 'ssh2';
import { keyBlobType } from './fingerprint.js';
import { entriesForHost, type KnownHostsEntry, type KnownHostsFile } from './known-hosts.js';

// Pure decisions about a host key: what the known_hosts file says of the key a host offered,
// and which host key algorithms to ask for so that the host presents a key we already know.

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostsEntry }
  | { status: 'revoked'; entry: KnownHostsEntry }
  | { status: 'unknown' }
  /** The host has recorded keys and the offered one is none of them: never accepted. */
  | { status: 'changed'; recorded: KnownHostsEntry[] };

export function judgeHostKey(file: KnownHostsFile, hostName: string, offered: Buffer): HostKeyVerdict {
  // cert-authority lines would need certificate checks that netfix does not do: ignore them.
  const forHost = entriesForHost(file, hostName).filter((entry) => entry.marker !== 'cert-authority');
  const revoked = forHost.find((entry) => entry.marker === 'revoked' && entry.keyBlob.equals(offered));
  if (revoked) return { status: 'revoked', entry: revoked };
  const recorded = forHost.filter((entry) => entry.marker === null);
  const known = recorded.find((entry) => entry.keyBlob.equals(offered));
  if (known) return { status: 'known', entry: known };
  if (recorded.length === 0) return { status: 'unknown' };
  // A different key of a type we have is a changed key. A key of a type we have none of, for a
  // host we do have keys for, is treated the same way, more strictly than OpenSSH's accept-new:
  // we asked for the known types first (below), so a host that still holds its recorded key
  // would have shown it; offering another one means the key is gone or someone else answers.
  const offeredType = keyBlobType(offered);
  const sameType = recorded.filter((entry) => entry.keyType === offeredType);
  return { status: 'changed', recorded: sameType.length > 0 ? sameType : recorded };
}

/** ssh2's default order (ssh2 1.17 with Node's ed25519 support). */
const defaultHostKeyAlgorithms: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** An RSA key is recorded as `ssh-rsa` but can be used with any of three signature algorithms. */
function algorithmsForKeyType(keyType: string): readonly ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return defaultHostKeyAlgorithms.filter((algorithm) => algorithm === keyType);
}

/**
 * Host key algorithms in the order to offer them: those the file has keys for first, then the
 * rest, as OpenSSH orders them. Without this a host whose recorded key is RSA but which also has
 * an ed25519 key would present ed25519 and be refused as changed. undefined: keep ssh2's default.
 */
export function preferredHostKeyAlgorithms(
  file: KnownHostsFile,
  hostName: string,
): ServerHostKeyAlgorithm[] | undefined {
  const knownTypes = new Set(
    entriesForHost(file, hostName)
      .filter((entry) => entry.marker === null)
      .map((entry) => entry.keyType),
  );
  const preferred = new Set<ServerHostKeyAlgorithm>();
  for (const algorithm of defaultHostKeyAlgorithms) {
    for (const keyType of knownTypes) {
      if (algorithmsForKeyType(keyType).includes(algorithm)) preferred.add(algorithm);
    }
  }
  if (preferred.size === 0) return undefined;
  return [...preferred, ...defaultHostKeyAlgorithms.filter((algorithm) => !preferred.has(algorithm))];
}
