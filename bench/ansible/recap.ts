// Ansible's PLAY RECAP, the only per-host verdict ansible-playbook prints in every version.

export interface RecapLine {
  host: string;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}

const LINE = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/;

export function parseRecap(stdout: string): RecapLine[] {
  const start = stdout.lastIndexOf('PLAY RECAP');
  if (start < 0) return [];
  const lines: RecapLine[] = [];
  for (const line of stdout.slice(start).split('\n')) {
    const m = LINE.exec(line);
    if (m)
      lines.push({
        host: m[1]!,
        ok: Number(m[2]),
        changed: Number(m[3]),
        unreachable: Number(m[4]),
        failed: Number(m[5]),
      });
  }
  return lines;
}
