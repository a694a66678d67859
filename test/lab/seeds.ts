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
 * Incident 3: /etc/modprobe.d/blacklist.conf blacklists nf_conntrack_ipv4. On a legacy host
 * `modprobe iptable_nat` then hangs; on a modern one that module does not exist and nothing hangs.
 */
export const seedIncident3: Seed = (lab, host) =>
  run(lab, host, `cat > /etc/modprobe.d/blacklist.conf <<'SEED'\n${INCIDENT3_BLACKLIST}SEED`);

export const seeds: Record<string, Seed> = {
  incident1: seedIncident1,
  incident2: seedIncident2,
  incident3: seedIncident3,
};

/** Apply a seed to several hosts (default all), sixteen at a time. */
export async function seedHosts(lab: Lab, seed: Seed, hosts = lab.hosts.map((h) => h.name)): Promise<void> {
  for (let i = 0; i < hosts.length; i += 16)
    await Promise.all(hosts.slice(i, i + 16).map((h) => seed(lab, h)));
}
