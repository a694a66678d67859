// The lab's public shapes. index.ts is the door; tests and the benchmark import from there.

export type KernelProfile = 'modern' | 'legacy';
export type InitFlavour = 'systemd' | 'sysvinit' | 'rhel6';
/** The distribution a (kernel, init) pair stands for; decides /etc (e.g. no /etc/modules on CentOS). */
export type Distro = 'debian12' | 'centos7' | 'centos6';

export interface LabHostSpec {
  /** modern = Debian 12 / 6.1 (no nf_conntrack_ipv4); legacy = RHEL 7 / 3.10 (incident 3's hang). Default modern. */
  kernel?: KernelProfile;
  /** Default systemd. rhel6 hosts are CentOS 6; systemd on a legacy kernel is CentOS 7; the rest Debian. */
  init?: InitFlavour;
}

export interface LabOptions {
  /** A count (all default hosts) or one spec per host. */
  hosts: number | LabHostSpec[];
  /** Host names are prefix + 3-digit index: hv001, hv002, ... */
  namePrefix?: string;
  /** Where the lab's files go; default <root>/<slot>/lab, root /dev/shm/netfix-lab (tmpfs) or /tmp/netfix-lab. Removed by stop(). */
  dir?: string;
  /** How known_hosts is written: plain `addr` / `[addr]:port` entries, hashed `|1|salt|hash`, or alternating. */
  knownHosts?: 'plain' | 'hashed' | 'mixed';
  /** sshd port on every host's address; default 22. */
  port?: number;
}

export interface LabHost {
  name: string;
  address: string;
  port: number;
  /** As `ssh-keygen -l` prints it: SHA256:base64 without padding. */
  hostKeyFingerprint: string;
  /** The plain known_hosts line for this host, whatever knownHosts chose for the file. */
  knownHostsLine: string;
  kernel: KernelProfile;
  init: InitFlavour;
  distro: Distro;
}

export interface ShResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ShOptions {
  /** Kill the script (SIGKILL) after this long; exitCode is then 137. Default: no limit. */
  timeoutMs?: number;
  stdin?: string;
}

export interface Lab {
  dir: string;
  hosts: LabHost[];
  /** Ansible YAML inventory: all.children.hypervisors.hosts.<name> with ansible_host/port/user/key. */
  inventoryPath: string;
  knownHostsPath: string;
  /** The client key authorized for root on every host. */
  privateKeyPath: string;
  /** /bin/sh -c script as root inside the host's namespaces (not over ssh): for seeding and assertions. */
  sh(host: string, script: string, options?: ShOptions): Promise<ShResult>;
  /** Simulated kernel reboot of the hosts (default all): runtime state dropped, boot replayed; sshd stays up. */
  reboot(hosts?: string[]): Promise<void>;
  /**
   * Every file of the host's private trees (/etc changes, /run, /sys/module, /sys/class/net, /proc/sys/net), by path
   * inside the host: `file:<mode>:<content>`, `dir:<mode>:`, `link::<target>`, `whiteout::` (a file of
   * the real machine this host does not have). For byte-identical before/after checks.
   */
  snapshot(host: string): Promise<Record<string, string>>;
  /** Kill everything running in the host (sshd included): connections are refused. State is kept. */
  stopHost(host: string): Promise<void>;
  /** Start sshd again in a stopped host. */
  startHost(host: string): Promise<void>;
  /** From now on every modprobe that loads something on this host hangs (until releaseModprobe). */
  hangModprobe(host: string): Promise<void>;
  releaseModprobe(host: string): Promise<void>;
  /** The host's journal since its last boot, as `ident[pid]: message` lines (what the boot did). */
  bootLog(host: string): Promise<string[]>;
  /**
   * The host's whole journal since the lab started, across reboots, in the same `ident[pid]: message`
   * form. Every start of libvirtd writes `libvirtd[pid]: libvirt version: ...` (any init system),
   * and on systemd hosts `systemd[1]: Started libvirtd.service - Virtualization daemon.`.
   */
  journal(host: string): Promise<string[]>;
  /** Kill everything the lab started and remove its directory. Idempotent. */
  stop(): Promise<void>;
}
