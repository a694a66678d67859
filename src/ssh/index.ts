// The door of src/ssh: the Transport interface, its errors, and connect() that makes one.
export { connect, loadKeysFor } from './connection.js';
export { describeKey, fingerprintSha256 } from './fingerprint.js';
export { becomeUserPattern } from './remote-command.js';
export {
  emptySshConfig,
  parseJumpList,
  parseSshConfig,
  proxyJumpInSshArgs,
  type SshConfig,
  type SshConfigWarning,
} from './ssh-config.js';
export {
  BecomeError,
  type BecomeFailureKind,
  type BecomeSpec,
  ConnectError,
  type ConnectFailureReason,
  ConnectionLostError,
  type ConnectOptions,
  type ConnectTarget,
  type ExecOptions,
  type ExecResult,
  ExecTimeoutError,
  type PassphraseSource,
  type Transport,
  type TransportStats,
} from './transport.js';
