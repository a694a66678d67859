import type { SourcePosition } from '../input/index.js';

export interface HostConnection {
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** ProxyJump as written (netfix_jump_host, or -o ProxyJump in ansible_ssh_common_args). */
  proxyJump?: string;
  become: boolean;
  becomeUser?: string;
}

export interface InventoryHost {
  name: string;
  /** Every variable of the host after precedence (connection variables included, as written). */
  vars: Record<string, unknown>;
  /** Groups the host is in, directly or through children, sorted, without `all` (Ansible's group_names). */
  groups: string[];
  connection: HostConnection;
  /** Where the host was first declared. */
  source: SourcePosition;
}

export interface InventoryGroup {
  name: string;
  /** Hosts listed in this group itself (not through children). */
  hosts: Set<string>;
  children: Set<string>;
  parents: Set<string>;
  /** This group's own variables, files merged (later file wins). */
  vars: Record<string, unknown>;
  /** Longest chain of parents up to `all` (which is 0): deeper groups' vars win. */
  depth: number;
}

export interface Inventory {
  /** In inventory order: the order hosts first appear, file by file. */
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
}
