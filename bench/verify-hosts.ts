// After a first run, the bench looks at the hosts itself (through the lab, not over SSH) rather
// than trusting the tool's own report: the same checks whichever tool made the changes.
import type { Lab } from '../test/lab/index.js';
import type { Incident } from './seed.js';

/** Each check prints `name=value`; `expected` is what a fixed host prints. */
interface Check {
  name: string;
  script: string;
  expected: string;
}

const live = (module: string): Check => ({
  name: `${module} loaded`,
  script: `cat /sys/module/${module}/initstate 2>/dev/null || echo absent`,
  expected: 'live',
});

const atBoot = (module: string): Check => ({
  name: `${module} at boot`,
  script: `grep -qs '^[[:space:]]*${module}[[:space:]]*$' /etc/modules-load.d/*.conf && echo yes || echo no`,
  expected: 'yes',
});

const file = (name: string, path: string, expected: string): Check => ({
  name,
  script: `cat ${path} 2>/dev/null || echo absent`,
  expected,
});

// The bench passes conntrack_hashsize=16384 to both tools; the seed leaves 8192.
export const HASHSIZE = 16384;

const CHECKS: Record<Incident, Check[]> = {
  1: [
    live('br_netfilter'),
    atBoot('br_netfilter'),
    ...['iptables', 'ip6tables', 'arptables'].map((t) =>
      file(`bridge-nf-call-${t}`, `/proc/sys/net/bridge/bridge-nf-call-${t}`, '0'),
    ),
  ],
  2: [
    live('nf_conntrack'),
    atBoot('nf_conntrack'),
    file('hashsize', '/sys/module/nf_conntrack/parameters/hashsize', String(HASHSIZE)),
    file('nf_conntrack_buckets', '/proc/sys/net/netfilter/nf_conntrack_buckets', String(HASHSIZE)),
    {
      name: 'hashsize at boot',
      script: `grep -qs '^options nf_conntrack.*hashsize=${HASHSIZE}' /etc/modprobe.d/*.conf && echo yes || echo no`,
      expected: 'yes',
    },
  ],
  3: [
    {
      name: 'nf_conntrack_ipv4 blacklisted',
      script: `grep -qs '^[[:space:]]*blacklist[[:space:]]*nf_conntrack_ipv4' /etc/modprobe.d/*.conf && echo yes || echo no`,
      expected: 'no',
    },
    live('iptable_nat'),
    { name: 'libvirtd', script: 'systemctl is-active libvirtd', expected: 'active' },
  ],
};

/** Every host up to 50, else 20 spread over the fleet: lab.sh forks per host. */
function sample<T>(items: T[]): T[] {
  if (items.length <= 50) return items;
  return Array.from({ length: 20 }, (_, i) => items[Math.floor((i * items.length) / 20)]!);
}

/** Problems found, as `host: check expected X, found Y`; [] when every sampled host is fixed. */
export async function verifyHosts(lab: Lab, incidents: Incident[]): Promise<string[]> {
  const checks = incidents.flatMap((i) => CHECKS[i]);
  const script = checks.map((c, i) => `printf '%s=%s\\n' ${i} "$(${c.script})"`).join('\n');
  const problems: string[] = [];
  const hosts = sample(lab.hosts.map((h) => h.name));
  for (let i = 0; i < hosts.length; i += 8) {
    await Promise.all(
      hosts.slice(i, i + 8).map(async (host) => {
        const result = await lab.sh(host, script, { timeoutMs: 60_000 });
        const found = new Map(result.stdout.split('\n').map((line) => line.split('=') as [string, string]));
        checks.forEach((check, index) => {
          const value = found.get(String(index))?.trim();
          if (value !== check.expected)
            problems.push(
              `${host}: ${check.name}: expected ${check.expected}, found ${value ?? '(nothing)'}`,
            );
        });
      }),
    );
  }
  return problems;
}

export function sampledCount(hosts: number): number {
  return sample(Array.from({ length: hosts })).length;
}
