// The probe output protocol. A probe prints records framed by a marker that starts with the ASCII
// record separator and a per-run nonce, so no file content can forge a record. The engine frames
// each task's probe; modules read their records through ProbeRecords.

export interface FileRecord {
  path: string;
  /** null when the file does not exist. */
  content: string | null;
  /** `stat -c '%a %u %g'` when the probe asked for it (nf_stat). */
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface CommandRecord {
  name: string;
  exitCode: number;
  output: string;
}

export interface ProbeRecords {
  files: Map<string, FileRecord>;
  commands: Map<string, CommandRecord>;
  values: Map<string, string>;
  /** Paths that exist, from nf_exists / nf_stat. */
  existing: Set<string>;
}

export function emptyRecords(): ProbeRecords {
  return { files: new Map(), commands: new Map(), values: new Map(), existing: new Set() };
}
