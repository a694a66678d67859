import type { AnyAuthMethod, AuthenticationType, Client } from 'ssh2';
import { describeTarget } from './connect-errors.js';
import { KeyFileError, loadPrivateKey } from './private-keys.js';
import { ConnectError, type ConnectOptions, type ConnectTarget } from './transport.js';

// How netfix proves who it is: the private key file from the inventory or ssh config when one is
// named, else the SSH agent. One method, tried once; no passwords.

export interface AuthChoice {
  method: AnyAuthMethod;
  /** For the failure message: "publickey with /root/.ssh/id_ed25519". */
  description: string;
}

export async function chooseAuth(
  target: ConnectTarget,
  options: ConnectOptions,
  where: string = describeTarget(target),
): Promise<AuthChoice> {
  const username = target.user;
  if (target.privateKeyFile) {
    try {
      const key = await loadPrivateKey(target.privateKeyFile, options.passphrases);
      return {
        method: { type: 'publickey', username, key },
        description: `publickey with ${target.privateKeyFile}`,
      };
    } catch (error) {
      if (error instanceof KeyFileError) throw new ConnectError('key-file', `${where}: ${error.message}`);
      throw error;
    }
  }
  if (options.agentSocket) {
    return {
      method: { type: 'agent', username, agent: options.agentSocket },
      description: `the keys of the SSH agent at ${options.agentSocket}`,
    };
  }
  throw new ConnectError(
    'auth',
    `${where}: no way to authenticate as ${username}: no private key file is set for this host and no ` +
      'SSH agent is running (SSH_AUTH_SOCK is unset)',
  );
}

type Ssh2AuthHandler = Parameters<Client['connect']>[0]['authHandler'];

/**
 * An ssh2 authHandler that offers `choice` once, then stops, reporting the methods the server
 * said it accepts so that the failure message can name them.
 */
export function authHandlerFor(
  choice: AuthChoice,
  onServerMethods: (methods: readonly string[]) => void,
): Ssh2AuthHandler {
  let tried = false;
  const handler = (
    methodsLeft: AuthenticationType[] | null,
    _partialSuccess: boolean | null,
    next: (method: AnyAuthMethod) => void,
  ) => {
    // null on the first call; after a refusal, what the server would still accept.
    if (methodsLeft) onServerMethods(methodsLeft);
    if (tried) {
      // ssh2 stops authenticating on `false` (its ConnectConfig.authHandler docs); its types omit it.
      next(false as unknown as AnyAuthMethod);
      return;
    }
    tried = true;
    next(choice.method);
  };
  // ssh2's declared middleware type has non-null arguments; it passes null on the first call.
  return handler as Ssh2AuthHandler;
}
