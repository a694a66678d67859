// The door of src/ssh: the Transport interface, its errors, and connect() that makes one.
export { connect } from './connection.js';
export { describeKey, fingerprintSha256 } from './fingerprint.js';
export { becomeUserPattern } from './remote-command.js';
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
  type Transport,
  type TransportStats,
} from './transport.js';
