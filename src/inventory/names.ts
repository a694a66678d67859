// Names from an inventory end up in messages, host patterns and SSH connections. They are held
// to patterns stricter than Ansible's: where Ansible warns (a '-' in a group name), netfix
// refuses, so that a pattern like `dc-1:&web` can never be read two ways.

export const inventoryPatterns = {
  /** Ansible's valid group name; '-' and '.' would clash with pattern syntax. */
  group: /^[A-Za-z_][A-Za-z0-9_]*$/,
  /** A host name after range expansion: DNS-like, no ':' (pattern separator) and no leading '-'. */
  host: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}$/,
  /** A host key as written, which may hold Ansible ranges: `hv[001:120].dc1`, `node[a:f]`. */
  hostKey: /^(?:[A-Za-z0-9_.-]|\[[A-Za-z0-9]*:[A-Za-z0-9]+(?::[0-9]+)?\])+$/,
  /** What ssh connects to: a name, IPv4 or IPv6 address; never something that reads as an option. */
  address: /^[A-Za-z0-9_.:%][A-Za-z0-9_.:%-]{0,252}$/,
  /** A Unix login name (useradd's rules, '$' allowed last for Samba machine accounts). */
  user: /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/,
} as const;
