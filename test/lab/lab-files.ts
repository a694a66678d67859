// The files a lab hands to its users and to sshd: sshd_config, known_hosts, the inventory.
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import { hashedName, keyType, knownHostsName } from './keys.js';
import type { LabHost, LabOptions } from './types.js';

export const SSHD = '/usr/sbin/sshd';

let sshdVersion: [number, number] | undefined;

/** OpenSSH's major.minor, from `sshd -V` (it prints the version on stderr). */
export function opensshVersion(): [number, number] {
  if (!sshdVersion) {
    const r = spawnSync(SSHD, ['-V'], { encoding: 'utf8' });
    const m = /OpenSSH_(\d+)\.(\d+)/.exec(`${r.stderr}${r.stdout}`);
    sshdVersion = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  }
  return sshdVersion;
}

/** Shared by every host; each gets its address and host key on sshd's command line. */
export function sshdConfig(authorizedKeysPath: string): string {
  const [major, minor] = opensshVersion();
  const lines = [
    '# netfix lab sshd: root by key only, tuned so a fleet run is not throttled by the lab.',
    'PermitRootLogin prohibit-password',
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // No PAM: no session modules (motd, lastlog, limits) forking on every connection.
    'UsePAM no',
    'UseDNS no',
    `AuthorizedKeysFile ${authorizedKeysPath}`,
    // The key files live under /tmp (world-writable parent): StrictModes would refuse them.
    'StrictModes no',
    'MaxStartups 4096',
    'MaxSessions 10',
    'LoginGraceTime 60',
    'PidFile none',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
  ];
  // OpenSSH 9.8 penalises sources that fail often; the whole fleet is one source here.
  if (major > 9 || (major === 9 && minor >= 8)) lines.push('PerSourcePenalties no');
  return `${lines.join('\n')}\n`;
}

export function knownHostsFile(
  hosts: Array<{ host: Pick<LabHost, 'address' | 'port'>; publicKey: string }>,
  mode: LabOptions['knownHosts'],
): string {
  return hosts
    .map(({ host, publicKey }, i) => {
      const name = knownHostsName(host.address, host.port);
      const hashed = mode === 'hashed' || (mode === 'mixed' && i % 2 === 0);
      return `${hashed ? hashedName(name) : name} ${keyType(publicKey)}\n`;
    })
    .join('');
}

export function inventoryFile(
  labDir: string,
  hosts: Array<Pick<LabHost, 'name' | 'address' | 'port'>>,
  privateKeyPath: string,
): string {
  const entries = Object.fromEntries(
    hosts.map((h) => [
      h.name,
      {
        ansible_host: h.address,
        ansible_port: h.port,
        ansible_user: 'root',
        ansible_ssh_private_key_file: privateKeyPath,
      },
    ]),
  );
  const header = `# netfix lab ${labDir}: ${hosts.length} hosts. Generated; removed with the lab.\n`;
  return header + stringify({ all: { children: { hypervisors: { hosts: entries } } } });
}
