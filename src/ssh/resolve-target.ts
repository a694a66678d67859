import { homedir, userInfo } from 'node:os';
import { formatEndpoint } from './connect-errors.js';
import { type JumpSpec, parseJumpList, type SshHostConfig, sshConfigFor } from './ssh-config.js';
import { ConnectError, type ConnectOptions, type ConnectTarget } from './transport.js';

// Where a connection really goes: the inventory's target with what ssh config adds, and the jump
// hosts in front of it. Pure apart from reading the local user and home directory once.

/** One SSH handshake: the host itself, or a jump host on the way to it. */
export interface Endpoint extends ConnectTarget {
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
}

export interface ResolvedTarget {
  endpoint: Endpoint;
  /** First hop first; empty for a direct connection. */
  jumps: Endpoint[];
}

export interface LocalUser {
  home: string;
  name: string;
}

let localUser: LocalUser | undefined;
function currentUser(): LocalUser {
  localUser ??= { home: homedir(), name: userInfo().username };
  return localUser;
}

export function resolveTarget(
  target: ConnectTarget,
  options: ConnectOptions,
  local: LocalUser = currentUser(),
): ResolvedTarget {
  const config = options.sshConfig;
  const problems: string[] = [];
  const found: SshHostConfig = config
    ? sshConfigFor(config, target.address, problems)
    : { identityFiles: [], origins: {} };
  const where = `${target.name} (${formatEndpoint(target.address, target.port)})`;
  if (problems.length > 0) throw new ConnectError('protocol', `${where}: ssh config: ${problems.join('; ')}`);

  const address = found.hostName
    ? expandTokens(found.hostName, { h: target.address }, local)
    : target.address;
  const port = target.defaulted?.port ? (found.port ?? target.port) : target.port;
  const user = target.defaulted?.user ? (found.user ?? target.user) : target.user;
  const tokens = { h: address, r: user };
  const identity = found.identityFiles[0];
  const privateKeyFile =
    target.privateKeyFile ?? (identity === undefined ? undefined : expandTokens(identity, tokens, local));
  const endpoint: Endpoint = {
    ...hostKeyPolicy(found, options, tokens, local),
    name: target.name,
    address,
    port,
    user,
    ...(privateKeyFile === undefined ? {} : { privateKeyFile }),
  };

  const jumpSpec = target.proxyJump ?? found.proxyJump;
  if (jumpSpec === undefined && found.proxyCommand !== undefined) {
    throw new ConnectError(
      'protocol',
      `${where}: ssh config (${found.origins.proxycommand}) reaches this host with ProxyCommand, which netfix ` +
        'does not run; use ProxyJump instead, or netfix_jump_host in the inventory',
    );
  }
  if (jumpSpec === undefined) return { endpoint, jumps: [] };
  const parsed = parseJumpList(jumpSpec);
  if ('error' in parsed) {
    const from = target.proxyJump !== undefined ? 'the inventory' : `ssh config (${found.origins.proxyjump})`;
    throw new ConnectError('protocol', `${where}: ProxyJump from ${from}: ${parsed.error}`);
  }
  return { endpoint, jumps: parsed.hops.map((hop) => resolveHop(hop, endpoint, options, local, where)) };
}

/**
 * A jump host gets its own ssh config lookup, as with ssh -J. It is authenticated with its own
 * IdentityFile, else the key of the host behind it (a bastion usually takes the fleet's key),
 * else the agent. Its own ProxyJump is not followed: the chain is the one written.
 */
function resolveHop(
  hop: JumpSpec,
  behind: Endpoint,
  options: ConnectOptions,
  local: LocalUser,
  where: string,
): Endpoint {
  const problems: string[] = [];
  const found: SshHostConfig = options.sshConfig
    ? sshConfigFor(options.sshConfig, hop.host, problems)
    : { identityFiles: [], origins: {} };
  if (problems.length > 0)
    throw new ConnectError(
      'protocol',
      `${where}: ssh config for jump host ${hop.host}: ${problems.join('; ')}`,
    );
  const address = found.hostName ? expandTokens(found.hostName, { h: hop.host }, local) : hop.host;
  const user = hop.user ?? found.user ?? local.name;
  const tokens = { h: address, r: user };
  const identity = found.identityFiles[0];
  const privateKeyFile =
    identity === undefined ? behind.privateKeyFile : expandTokens(identity, tokens, local);
  return {
    ...hostKeyPolicy(found, options, tokens, local),
    name: hop.host,
    address,
    port: hop.port ?? found.port ?? 22,
    user,
    ...(privateKeyFile === undefined ? {} : { privateKeyFile }),
  };
}

/**
 * --known-hosts beats UserKnownHostsFile (the first file named: netfix reads and writes one).
 * StrictHostKeyChecking accept-new and no both record unknown keys, yes and ask refuse them; a
 * changed key is refused whatever it says, since that is the check that matters.
 */
function hostKeyPolicy(
  found: SshHostConfig,
  options: ConnectOptions,
  tokens: Record<string, string>,
  local: LocalUser,
): Pick<Endpoint, 'knownHostsFile' | 'acceptNewHostKeys'> {
  const configured = found.userKnownHostsFiles?.[0];
  const knownHostsFile =
    options.knownHostsFileFromFlag || configured === undefined
      ? options.knownHostsFile
      : expandTokens(configured, tokens, local);
  const strict = found.strictHostKeyChecking;
  return {
    knownHostsFile,
    acceptNewHostKeys: options.acceptNewHostKeys || strict === 'accept-new' || strict === 'no',
  };
}

/** `~` and the ssh_config tokens netfix knows: %d home, %u local user, %h host, %r remote user, %%. */
export function expandTokens(value: string, tokens: Record<string, string>, local: LocalUser): string {
  const tilde = value === '~' || value.startsWith('~/') ? local.home + value.slice(1) : value;
  const known: Record<string, string> = { d: local.home, u: local.name, '%': '%', ...tokens };
  return tilde.replace(/%(.)/g, (whole, letter: string) => known[letter] ?? whole);
}
