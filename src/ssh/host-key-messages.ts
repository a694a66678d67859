import { quote } from '../shell/index.js';
import { describeKey, keyBlobType } from './fingerprint.js';
import type { KnownHostsEntry } from './known-hosts.js';
import { ConnectError } from './transport.js';

// What the operator reads when a host key is refused: both fingerprints as ssh-keygen prints
// them, the file and line to look at, and the command that fixes it.

export interface HostKeyContext {
  /** "web1 (10.0.0.5:22)" */
  where: string;
  address: string;
  port: number;
  /** The name looked up in known_hosts, `[address]:port` or `address`. */
  hostName: string;
  knownHostsFile: string;
}

/** Where the host keeps this kind of key, so the operator can fingerprint it on the console. */
function hostKeyPathOnHost(keyBlob: Buffer): string {
  const keyType = keyBlobType(keyBlob) ?? '';
  const short = keyType.startsWith('ecdsa-')
    ? 'ecdsa'
    : keyType === 'ssh-dss'
      ? 'dsa'
      : keyType.replace(/^ssh-/, '');
  return `/etc/ssh/ssh_host_${short}_key.pub`;
}

export function hostKeyUnknownError(context: HostKeyContext, offered: Buffer): ConnectError {
  const { where, address, port, hostName, knownHostsFile } = context;
  const keyscan = `ssh-keyscan${port === 22 ? '' : ` -p ${port}`} ${quote(address)} >> ${quote(knownHostsFile)}`;
  return new ConnectError(
    'host-key-unknown',
    `${where}: unknown host key: the host offered ${describeKey(offered)}, and ${knownHostsFile} has no key ` +
      `for ${hostName}. Compare it with \`ssh-keygen -lf ${hostKeyPathOnHost(offered)}\` run on the host ` +
      `itself, then rerun with --accept-new-host-keys, or record it with: ${keyscan}`,
  );
}

export function hostKeyChangedError(
  context: HostKeyContext,
  recorded: readonly KnownHostsEntry[],
  offered: Buffer,
): ConnectError {
  const { where, hostName, knownHostsFile } = context;
  const expected = recorded
    .map((entry) => `${knownHostsFile}:${entry.line} records ${describeKey(entry.keyBlob)}`)
    .join('; ');
  return new ConnectError(
    'host-key-changed',
    `${where}: HOST KEY CHANGED: the host offered ${describeKey(offered)}, but ${expected} for ${hostName}. ` +
      'Someone may be intercepting the connection, or the host was reinstalled. netfix never accepts a ' +
      'changed key, not even with --accept-new-host-keys. If the change is expected, remove the old key ' +
      `with: ssh-keygen -f ${quote(knownHostsFile)} -R ${quote(hostName)}`,
  );
}

export function hostKeyRevokedError(context: HostKeyContext, entry: KnownHostsEntry): ConnectError {
  const { where, knownHostsFile } = context;
  return new ConnectError(
    'host-key-revoked',
    `${where}: the host offered ${describeKey(entry.keyBlob)}, which ${knownHostsFile}:${entry.line} ` +
      'marks @revoked; netfix refuses revoked host keys. Give the host a new key.',
  );
}

export function hostKeyNotRecordedError(
  context: HostKeyContext,
  offered: Buffer,
  cause: unknown,
): ConnectError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConnectError(
    'host-key-unknown',
    `${context.where}: could not record ${describeKey(offered)} in ${context.knownHostsFile}: ${reason}`,
  );
}
