import type { CommandRecord, FileRecord, ProbeRecords } from './probe-records.js';

/**
 * Splits the output of one remote script into per-section records. Sections are opened by
 * `<marker>SECTION <id>` lines the engine prints; records before the first section go to ''.
 * Pure, so that every module's parse can be tested from fixture text.
 */
export function parseProbeOutput(stdout: string, nonce: string): Map<string, ProbeRecords> {
  const marker = `\x1e${nonce}`;
  const sections = new Map<string, ProbeRecords>();
  // The prelude prints each path once per script, for the first section that asks: every
  // section sees the file and existence records of all of them (one host state, read before any
  // change), through the same Map and Set, not a copy per section.
  const files = new Map<string, FileRecord>();
  const existing = new Set<string>();
  const addFile = (file: FileRecord) => {
    const known = files.get(file.path);
    // A STAT-only record (no content) and a FILE record of the same path complete each other.
    files.set(file.path, known ? { ...file, ...known, content: known.content ?? file.content } : file);
  };
  const newSection = (): ProbeRecords => ({ files, existing, commands: new Map(), values: new Map() });
  let current = newSection();
  sections.set('', current);
  let pos = 0;
  // nf_once: the record printed by the first section that ran the command, by key, and the
  // sections that asked for it again (CMDREF), resolved once every record is read.
  const shared = new Map<string, CommandRecord>();
  const refs: { records: ProbeRecords; key: string; name: string }[] = [];
  let sharedKey: string | undefined;

  const readLine = (): string | null => {
    if (pos >= stdout.length) return null;
    const end = stdout.indexOf('\n', pos);
    const line = end === -1 ? stdout.slice(pos) : stdout.slice(pos, end);
    pos = end === -1 ? stdout.length : end + 1;
    return line;
  };
  // A body runs until "\n<marker>END..." and the newline before the END marker was added by the
  // helper, so the body is byte-exact (including a missing trailing newline).
  const readBody = (): { body: string; endLine: string } => {
    const endAt = stdout.indexOf(`\n${marker}END`, pos);
    if (endAt === -1) {
      const body = stdout.slice(pos);
      pos = stdout.length;
      return { body, endLine: '' };
    }
    const body = stdout.slice(pos, endAt);
    pos = endAt + 1;
    return { body, endLine: readLine() ?? '' };
  };

  for (let line = readLine(); line !== null; line = readLine()) {
    if (!line.startsWith(marker)) continue;
    const record = line.slice(marker.length);
    const space = record.indexOf(' ');
    const kind = space === -1 ? record : record.slice(0, space);
    const rest = space === -1 ? '' : record.slice(space + 1);
    switch (kind) {
      case 'SECTION': {
        current = newSection();
        sections.set(rest, current);
        break;
      }
      case 'FILE': {
        const { body } = readBody();
        addFile({ path: rest, content: body });
        existing.add(rest);
        break;
      }
      case 'NOFILE':
        addFile({ path: rest, content: null });
        break;
      case 'EXISTS':
        existing.add(rest);
        break;
      case 'STAT': {
        const match = /^([0-7]+) (\d+) (\d+) (.*)$/.exec(rest);
        if (!match) break;
        const path = match[4]!;
        const stat = { mode: Number.parseInt(match[1]!, 8), uid: Number(match[2]), gid: Number(match[3]) };
        const file = files.get(path);
        if (file) Object.assign(file, stat);
        else files.set(path, { path, content: null, ...stat });
        existing.add(path);
        break;
      }
      case 'CMD': {
        const { body, endLine } = readBody();
        // No END line: the output was cut off while the command ran, so it did not succeed.
        const exitCode = endLine === '' ? Number.NaN : Number(endLine.slice(`${marker}END `.length));
        const command = { name: rest, exitCode: Number.isFinite(exitCode) ? exitCode : -1, output: body };
        current.commands.set(rest, command);
        if (sharedKey !== undefined) shared.set(sharedKey, command);
        sharedKey = undefined;
        break;
      }
      case 'SHARED':
        sharedKey = rest;
        break;
      case 'CMDREF': {
        const space2 = rest.indexOf(' ');
        if (space2 !== -1)
          refs.push({ records: current, key: rest.slice(0, space2), name: rest.slice(space2 + 1) });
        break;
      }
      case 'KV': {
        const space2 = rest.indexOf(' ');
        current.values.set(
          space2 === -1 ? rest : rest.slice(0, space2),
          space2 === -1 ? '' : rest.slice(space2 + 1),
        );
        break;
      }
      default:
        break;
    }
  }
  for (const ref of refs) {
    const command = shared.get(ref.key);
    if (command) ref.records.commands.set(ref.name, { ...command, name: ref.name });
  }
  return sections;
}
