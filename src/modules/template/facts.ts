import { joinSh, type Sh, sh } from '../../shell/index.js';
import type { ProbeRecords } from '../shared/probe-records.js';
import { isNumericId, type TemplateParams } from './params.js';

export interface TemplateFacts {
  exists: boolean;
  /** null when missing, or not a readable regular file. */
  content: string | null;
  symlink: boolean;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  /** `stat -c '%U %G'`, asked only when owner or group is given by name. */
  ownerName: string | null;
  groupName: string | null;
}

const byName = (params: TemplateParams) =>
  [params.owner, params.group].some((id) => id !== undefined && !isNumericId(id));

export function probeTemplate(params: TemplateParams): Sh {
  const dest = params.dest;
  const lines = [
    sh`nf_file ${dest}
nf_stat ${dest}
if [ -L ${dest} ]; then nf_cmd symlink :; fi`,
  ];
  // Names are compared as names (the host's passwd is the only place that maps them); one stat
  // process, and only for tasks that give a name.
  if (byName(params)) lines.push(sh`if [ -e ${dest} ]; then nf_cmd names stat -c '%U %G' -- ${dest}; fi`);
  return joinSh(lines);
}

export function parseTemplateFacts(records: ProbeRecords, params: TemplateParams): TemplateFacts {
  const file = records.files.get(params.dest);
  const names = records.commands.get('names');
  const [ownerName, groupName] =
    names && names.exitCode === 0 ? names.output.trim().split(/\s+/) : [undefined, undefined];
  return {
    exists: records.existing.has(params.dest),
    content: file?.content ?? null,
    symlink: records.commands.has('symlink'),
    mode: file?.mode ?? null,
    uid: file?.uid ?? null,
    gid: file?.gid ?? null,
    ownerName: ownerName ?? null,
    groupName: groupName ?? null,
  };
}
