// A lab reached through the delay relays: the lab's hosts, one relay per host on a loopback
// address of its own, and an inventory and known_hosts that name the relays. Every tool the bench
// measures connects through the relays, with or without delay, so all take the same path and
// the relays count every tool's TCP connections the same way.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Lab, startLab } from '../test/lab/index.js';
import { inventoryFile } from '../test/lab/lab-files.js';
import type { Cgroup, CgroupTree } from './cgroup.js';
import type { Relays } from './relays.js';

export interface FleetHost {
  name: string;
  /** The relay's address: what the tools are given. */
  address: string;
  port: number;
}

export interface Fleet {
  lab: Lab;
  hosts: FleetHost[];
  inventoryPath: string;
  knownHostsPath: string;
  privateKeyPath: string;
  /** The lab's daemon, sshds, sessions and simulated tools: the "hosts'" CPU. */
  labCgroup: Cgroup;
  stop(): Promise<void>;
}

/**
 * Lab slots use 127.77.x.y to 127.126.x.y (test/lab/lab-root.ts); the relay of 127.A.x.y listens
 * on 127.(A+123).x.y, a range no lab uses.
 */
export function relayAddress(labAddress: string): string {
  const [a, b, c, d] = labAddress.split('.').map(Number);
  const second = (b ?? 0) + 123;
  if (a !== 127 || second > 254) throw new Error(`no relay address for lab address ${labAddress}`);
  return `127.${second}.${c}.${d}`;
}

export async function startFleet(
  count: number,
  delayMs: number,
  dir: string,
  cgroups: CgroupTree,
  relays: Relays,
): Promise<Fleet> {
  const lab = await startLab({ hosts: count });
  try {
    const labCgroup = cgroups.create('lab');
    for (const pid of processesMentioning(lab.dir)) labCgroup.adopt(pid);
    const hosts = lab.hosts.map((h) => ({ name: h.name, address: relayAddress(h.address), port: h.port }));
    await relays.route(
      lab.hosts.map((h, i) => ({
        listen: { host: hosts[i]!.address, port: h.port },
        target: { host: h.address, port: h.port },
      })),
      delayMs,
    );
    const inventoryPath = path.join(dir, 'inventory.yml');
    // The lab's own inventory, with the relays as ansible_host.
    writeFileSync(inventoryPath, inventoryFile(lab.dir, hosts, lab.privateKeyPath));
    const knownHostsPath = path.join(dir, 'known_hosts');
    // The lab's line for each host is `address keytype key`: the same key under the relay's address.
    writeFileSync(
      knownHostsPath,
      lab.hosts
        .map((h, i) => `${hosts[i]!.address} ${h.knownHostsLine.split(' ').slice(1).join(' ')}\n`)
        .join(''),
    );
    return {
      lab,
      hosts,
      inventoryPath,
      knownHostsPath,
      privateKeyPath: lab.privateKeyPath,
      labCgroup,
      stop: async () => {
        await lab.stop();
        labCgroup.remove();
      },
    };
  } catch (error) {
    await lab.stop();
    throw error;
  }
}

/** The lab's daemon and every sshd: each has the lab's directory in its command line. */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(text)) pids.push(Number(entry));
    } catch {
      // exited
    }
  }
  return pids;
}
