// The three incidents (shared/incidents.md) as starting states of a lab host. Each seed only
// uses lab.sh, i.e. the host's own tools, so what it leaves is what a real host would have.
import type { Lab } from './types.js';

export type Seed = (lab: Lab, host: string) => Promise<void>;

async function run(lab: Lab, host: string, script: string): Promise<void> {
  const r = await lab.sh(host, `set -e\n${script}`);
  if (r.exitCode !== 0) throw new Error(`seed on ${host} failed (${r.exitCode}): ${r.stderr}`);
}

const INCIDENT1_SYSCTL = `# Do not pass bridged traffic to iptables (KVM guests on br0)
net.bridge.bridge-nf-call-iptables = 0
net.bridge.bridge-nf-call-ip6tables = 0
net.bridge.bridge-nf-call-arptables = 0
`;

/**
 * Incident 1: the bridge sysctls are configured, but br_netfilter is neither loaded nor loaded at
 * boot, so after a reboot the keys do not exist and the boot's sysctl step skips them.
 */
export const seedIncident1: Seed = (lab, host) =>
  run(
    lab,
    host,
    `cat > /etc/sysctl.d/99-bridge.conf <<'SEED'
${INCIDENT1_SYSCTL}SEED
for f in /etc/modules /etc/modules-load.d/*.conf; do
  if [ -f "$f" ] && [ ! -L "$f" ]; then sed -i '/^[[:space:]]*br_netfilter\\([[:space:]]\\|$\\)/d' "$f"; fi
done
modprobe -r br_netfilter 2>/dev/null || true`,
  );

/** Incident 2: nf_conntrack loaded with hashsize 8192 from /etc/modprobe.d/nf_conntrack.conf. */
export const seedIncident2: Seed = (lab, host) =>
  run(
    lab,
    host,
    "echo 'options nf_conntrack hashsize=8192' > /etc/modprobe.d/nf_conntrack.conf\nmodprobe nf_conntrack",
  );

/** The blacklist.conf incident 3 found after an OS conversion: ordinary lines around the one that hurts. */
export const INCIDENT3_BLACKLIST = `# This file lists those modules which we don't want to be loaded by
# alias expansion, usually so some other driver will be loaded for the
# device instead.

# evbug is a debug tool that should be loaded explicitly
blacklist evbug

# these drivers are very simple, the HID drivers are usually preferred
blacklist usbmouse
blacklist usbkbd

# replaced by e100
blacklist eepro100

# watchdog drivers
blacklist i8xx_tco

# disabled by the hypervisor image: connection tracking is done upstream
blacklist nf_conntrack_ipv4

# framebuffer drivers
blacklist aty128fb
blacklist atyfb
blacklist radeonfb
`;

/**
 * Incident 3: /etc/modprobe.d/blacklist.conf blacklists nf_conntrack_ipv4, then the host reboots
 * (the incident came after an OS conversion and a reboot). On a legacy host that leaves the
 * incident's state: libvirtd active, its default network not active (virbr0 exists, down), and a
 * child `/usr/sbin/iptables -w --table filter --insert FORWARD ...` waiting on
 * `/sbin/modprobe -q -- iptable_nat` (asleep, not D) until the line goes; `modprobe iptable_nat`
 * hangs too. On a modern host nf_conntrack_ipv4 does not exist and nothing hangs. The reboot drops
 * the runtime state of seeds applied before this one (files stay).
 */
export const seedIncident3: Seed = (lab, host) =>
  run(lab, host, `cat > /etc/modprobe.d/blacklist.conf <<'SEED'\n${INCIDENT3_BLACKLIST}SEED\nreboot`);

/** The modern-kernel variant of incident 3 (kernel-facts.md): an install line blocks every load. */
export const INSTALL_FALSE_CONF = 'install nf_conntrack /bin/false\n';

/**
 * Incident 3 on a modern kernel: `install nf_conntrack /bin/false` in /etc/modprobe.d/nf-block.conf,
 * and libvirtd restarted with the NAT modules unloaded first (a loaded nf_conntrack keeps working
 * whatever modprobe.d says), so its default network fails to start: libvirtd active, `Active: no`,
 * no virbr0, `Failed to apply firewall rules` in the journal. Nothing hangs.
 */
export const seedInstallFalse: Seed = (lab, host) =>
  run(
    lab,
    host,
    `printf '%s' '${INSTALL_FALSE_CONF}' > /etc/modprobe.d/nf-block.conf
service libvirtd stop >/dev/null
modprobe -r iptable_nat 2>/dev/null || true
modprobe -r nf_conntrack 2>/dev/null || true
service libvirtd start >/dev/null
if ! virsh -r net-info default | grep -q '^Active: *no$'; then
  echo "the default network still started (is nf_conntrack held by something else?)" >&2; exit 1
fi`,
  );

export const seeds: Record<string, Seed> = {
  incident1: seedIncident1,
  incident2: seedIncident2,
  incident3: seedIncident3,
  'install-false': seedInstallFalse,
};

/** Apply a seed to several hosts (default all), sixteen at a time. */
export async function seedHosts(lab: Lab, seed: Seed, hosts = lab.hosts.map((h) => h.name)): Promise<void> {
  for (let i = 0; i < hosts.length; i += 16)
    await Promise.all(hosts.slice(i, i + 16).map((h) => seed(lab, h)));
}
