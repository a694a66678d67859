import {
  type HostKeyContext,
  hostKeyChangedError,
  hostKeyNotRecordedError,
  hostKeyRevokedError,
  hostKeyUnknownError,
} from './host-key-messages.js';
import { type HostKeyVerdict, judgeHostKey } from './host-key-verifier.js';
import type { KnownHostsFile } from './known-hosts.js';
import { recordNewHostKey } from './known-hosts-store.js';
import type { ConnectError } from './transport.js';

// The hostVerifier handed to ssh2: judges the offered key against known_hosts, records a new one
// when the run allows it, and keeps the reason for a refusal (ssh2 itself only reports "Host
// denied") so that connect() can throw it.

export interface HostKeyCheck {
  verifier: (offered: Buffer, verify: (accept: boolean) => void) => void;
  /** Why the key was refused, once it was. */
  failure(): ConnectError | undefined;
}

export function hostKeyCheck(
  knownHosts: KnownHostsFile,
  context: HostKeyContext,
  acceptNewHostKeys: boolean,
): HostKeyCheck {
  let failure: ConnectError | undefined;
  const refusal = (verdict: HostKeyVerdict, offered: Buffer): ConnectError | undefined => {
    if (verdict.status === 'revoked') return hostKeyRevokedError(context, verdict.entry);
    if (verdict.status === 'changed') return hostKeyChangedError(context, verdict.recorded, offered);
    if (verdict.status === 'unknown') return hostKeyUnknownError(context, offered);
    return undefined;
  };
  const verifier = (offered: Buffer, verify: (accept: boolean) => void) => {
    const verdict = judgeHostKey(knownHosts, context.hostName, offered);
    if (verdict.status !== 'unknown' || !acceptNewHostKeys) {
      failure = refusal(verdict, offered);
      verify(failure === undefined);
      return;
    }
    recordNewHostKey(context.knownHostsFile, context.hostName, offered).then(
      (outcome) => {
        failure = outcome.status === 'recorded' ? undefined : refusal(outcome, offered);
        verify(failure === undefined);
      },
      (error: unknown) => {
        failure = hostKeyNotRecordedError(context, offered, error);
        verify(false);
      },
    );
  };
  return { verifier, failure: () => failure };
}
