import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyBlobType } from './fingerprint.js';

// A parser for OpenSSH's known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), pure so it
// can be tested on text. ssh2 has none. Supported: comma lists of names and patterns with `*`,
// `?` and `!negation`; `[host]:port` names for ports other than 22; hashed `|1|salt|hmac` names
// (HashKnownHosts); `@revoked` and `@cert-authority` markers; several keys per host.

export type HostMatcher =
  | { kind: 'patterns'; patterns: readonly string[] }
  | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostsEntry {
  /** 1-based line number, for messages that tell the operator which line to fix. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  hosts: HostMatcher;
  /** Algorithm name from the key blob itself, e.g. `ssh-ed25519`, `ssh-rsa`. */
  keyType: string;
  keyBlob: Buffer;
}

export interface KnownHostsFile {
  entries: KnownHostsEntry[];
  /** Lines that are neither blank, comments nor parseable entries; OpenSSH skips these too. */
  invalidLines: number[];
}

export const emptyKnownHosts: KnownHostsFile = { entries: [], invalidLines: [] };

/**
 * The name a host is recorded under: OpenSSH writes `[address]:port` unless the port is 22, and
 * compares in lower case.
 */
export function knownHostsName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostsFile {
  const entries: KnownHostsEntry[] = [];
  const invalidLines: number[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const entry = parseLine(line, index + 1);
    if (entry) entries.push(entry);
    else invalidLines.push(index + 1);
  });
  return { entries, invalidLines };
}

function parseLine(line: string, lineNumber: number): KnownHostsEntry | undefined {
  const fields = line.split(/[ \t]+/);
  let marker: KnownHostsEntry['marker'] = null;
  if (fields[0]?.startsWith('@')) {
    const name = fields.shift();
    if (name === '@revoked') marker = 'revoked';
    else if (name === '@cert-authority') marker = 'cert-authority';
    else return undefined;
  }
  const [hostField, typeField, keyField] = fields;
  if (!hostField || !typeField || !keyField) return undefined;
  const hosts = parseHostField(hostField);
  if (!hosts) return undefined;
  const keyBlob = decodeBase64Strict(keyField);
  // The type written on the line must be the one inside the blob, as OpenSSH requires.
  if (!keyBlob || keyBlobType(keyBlob) !== typeField) return undefined;
  return { line: lineNumber, marker, hosts, keyType: typeField, keyBlob };
}

function parseHostField(field: string): HostMatcher | undefined {
  if (field.startsWith('|')) {
    const [, magic, salt, hash, ...rest] = field.split('|');
    if (magic !== '1' || !salt || !hash || rest.length > 0) return undefined;
    const saltBytes = decodeBase64Strict(salt);
    const hashBytes = decodeBase64Strict(hash);
    // HMAC-SHA1 with a 20-byte salt: anything else is not a name OpenSSH wrote.
    if (!saltBytes || !hashBytes || saltBytes.length !== 20 || hashBytes.length !== 20) return undefined;
    return { kind: 'hashed', salt: saltBytes, hash: hashBytes };
  }
  const patterns = field.split(',').filter((pattern) => pattern !== '');
  return patterns.length > 0 ? { kind: 'patterns', patterns } : undefined;
}

function decodeBase64Strict(text: string): Buffer | undefined {
  // Buffer.from(…, 'base64') silently skips junk; refuse it so a damaged line is reported.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 ? bytes : undefined;
}

/**
 * The entries that name `hostName` (as made by knownHostsName), in file order. Checking every
 * line for every host costs a fleet of n hosts n² pattern matches: entries that list plain names
 * are looked up by name instead; only hashed, wildcard and negated ones are tried one by one
 * (each hashed line has its own salt, so it costs an HMAC per host whatever is done).
 */
export function entriesForHost(file: KnownHostsFile, hostName: string): KnownHostsEntry[] {
  let index = nameIndexes.get(file);
  if (!index) {
    index = indexByName(file);
    nameIndexes.set(file, index);
  }
  const named = index.byName.get(hostName.toLowerCase()) ?? [];
  const tried = index.others.filter((entry) => entryMatchesHost(entry, hostName));
  if (tried.length === 0) return named;
  return [...named, ...tried].sort((a, b) => a.line - b.line);
}

interface NameIndex {
  byName: Map<string, KnownHostsEntry[]>;
  others: KnownHostsEntry[];
}

const nameIndexes = new WeakMap<KnownHostsFile, NameIndex>();

function indexByName(file: KnownHostsFile): NameIndex {
  const byName = new Map<string, KnownHostsEntry[]>();
  const others: KnownHostsEntry[] = [];
  for (const entry of file.entries) {
    const { hosts } = entry;
    if (hosts.kind === 'hashed' || hosts.patterns.some((pattern) => /[*?!]/.test(pattern))) {
      others.push(entry);
      continue;
    }
    for (const name of new Set(hosts.patterns.map((pattern) => pattern.toLowerCase()))) {
      const list = byName.get(name);
      if (list) list.push(entry);
      else byName.set(name, [entry]);
    }
  }
  return { byName, others };
}

/** Does this entry name `hostName` (as made by knownHostsName)? */
export function entryMatchesHost(entry: KnownHostsEntry, hostName: string): boolean {
  const { hosts } = entry;
  if (hosts.kind === 'hashed') {
    const digest = createHmac('sha1', hosts.salt).update(hostName).digest();
    return timingSafeEqual(digest, hosts.hash);
  }
  return matchPatternList(hostName, hosts.patterns);
}

/**
 * OpenSSH's match_pattern_list: any matching `!pattern` rules the host out, whatever else
 * matches; otherwise one matching pattern is enough. Case-insensitive, like ssh.
 */
export function matchPatternList(hostName: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const glob = (negated ? pattern.slice(1) : pattern).toLowerCase();
    if (!matchGlob(hostName, glob)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `*` and `?` wildcards only, as in ssh; iterative so no pattern can blow up. */
function matchGlob(text: string, glob: string): boolean {
  let t = 0;
  let g = 0;
  let starGlob = -1;
  let starText = 0;
  while (t < text.length) {
    const wanted = glob[g];
    if (wanted === '*') {
      starGlob = g++;
      starText = t;
    } else if (wanted !== undefined && (wanted === '?' || wanted === text[t])) {
      g++;
      t++;
    } else if (starGlob >= 0) {
      g = starGlob + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

/** A plain (unhashed) line as `ssh` would append it. */
export function formatKnownHostsLine(hostName: string, keyBlob: Buffer): string {
  const keyType = keyBlobType(keyBlob);
  if (!keyType) throw new Error('not an SSH public key blob');
  return `${hostName} ${keyType} ${keyBlob.toString('base64')}\n`;
}
