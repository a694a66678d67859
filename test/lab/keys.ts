// SSH keys made in-process (no ssh-keygen fork per host), their fingerprints, and known_hosts
// entries in the forms OpenSSH reads.
//
// Not ssh2's utils.generateKeyPairSync: it writes an ed25519 public key whose first byte is 0 as
// 31 bytes (as if it were an mpint), so about one key in 256 is one OpenSSH cannot load ("error
// in libcrypto"); a 200-host lab met it every time. node:crypto gives the raw key; the OpenSSH
// file format is simple enough to write here.
import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

export interface KeyPair {
  /** OpenSSH private key file content. */
  privateKey: string;
  /** `ssh-ed25519 AAAA... comment` */
  publicKey: string;
}

/** SSH wire-format string: uint32 length, then the bytes. */
function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

// An Ed25519 private key is 32 random bytes (RFC 8032); in PKCS#8 DER they follow this fixed
// header (RFC 8410), and the public key ends the SPKI DER that node:crypto derives from it.
// Not generateKeyPairSync + a JWK export: Node 20 can deadlock there, when a garbage collection
// during the export frees the generating job, whose destructor takes the lock the export holds
// (a lab start hung in CI with that stack: ExportJWKEdKey -> GC -> ~KeyGenJob -> uv_mutex_lock).
const ed25519Pkcs8Header = Buffer.from('302e020100300506032b657004220420', 'hex');

export function generateEd25519(comment: string): KeyPair {
  const seed = randomBytes(32);
  const privateKey = createPrivateKey({
    key: Buffer.concat([ed25519Pkcs8Header, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  // Pad to the cipher block size (8 for "none") with 1, 2, 3, ...
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    count,
    sshString(publicBlob),
    sshString(secret),
  ]).toString('base64');
  const lines = body.match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')} ${comment}`,
  };
}

/** `ssh-ed25519 AAAA` without the comment. */
export function keyType(publicKey: string): string {
  return publicKey.split(' ').slice(0, 2).join(' ');
}

/** SHA256:... as ssh-keygen -l prints it. */
export function fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** How OpenSSH names a host in known_hosts: bare address on port 22, `[addr]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** HashKnownHosts form: |1|base64(salt)|base64(HMAC-SHA1(salt, name)). */
export function hashedName(name: string): string {
  const salt = randomBytes(20);
  const mac = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${mac.toString('base64')}`;
}
