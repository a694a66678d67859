import { createHash } from 'node:crypto';

// Fingerprints are shown exactly as `ssh-keygen -l` and `ssh` print them, so an operator can
// compare what netfix reports with what they see on the host's console.

/** `SHA256:<base64 without padding>` of an SSH public key blob (wire format). */
export function fingerprintSha256(keyBlob: Buffer): string {
  const digest = createHash('sha256').update(keyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * The algorithm name inside a key blob (its first SSH string), e.g. `ssh-ed25519`.
 * undefined when the blob is too short to hold one, which no real key is.
 */
export function keyBlobType(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) return undefined;
  const type = keyBlob.toString('latin1', 4, 4 + length);
  return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/** The label ssh-keygen puts in parentheses: ED25519, RSA, ECDSA, DSA. */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  if (keyType.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (keyType.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (keyType.startsWith('sk-ecdsa-')) return 'ECDSA-SK';
  return keyType;
}

/** "ED25519 key SHA256:…", the wording ssh uses in its own host key messages. */
export function describeKey(keyBlob: Buffer): string {
  return `${keyTypeLabel(keyBlobType(keyBlob) ?? 'unknown')} key ${fingerprintSha256(keyBlob)}`;
}
