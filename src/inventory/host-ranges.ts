// Ansible expands `hv[01:20].dc1` in host names (numeric with zero padding, single letters,
// optional step). Existing inventories use it, so it is supported with Ansible's rules.

const rangePattern = /\[([A-Za-z0-9]*):([A-Za-z0-9]+)(?::([0-9]+))?\]/;

/** More than this from one key is almost certainly a typo (`[1:100000]`). */
const maxExpandedHosts = 10_000;

export type RangeExpansion = { names: string[] } | { error: string };

export function expandHostRange(key: string): RangeExpansion {
  const match = rangePattern.exec(key);
  if (!match) return { names: [key] };
  const head = key.slice(0, match.index);
  const tail = key.slice(match.index + match[0].length);
  const begin = match[1] || '0';
  const end = match[2]!;
  const step = match[3] === undefined ? 1 : Number(match[3]);
  if (step < 1) return { error: `range step must be at least 1 in '${key}'` };
  const values = rangeValues(begin, end, step);
  if ('error' in values) return { error: `${values.error} in '${key}'` };
  const names: string[] = [];
  for (const value of values.items) {
    const expanded = expandHostRange(`${head}${value}${tail}`);
    if ('error' in expanded) return expanded;
    names.push(...expanded.names);
    if (names.length > maxExpandedHosts)
      return { error: `range expands to more than ${maxExpandedHosts} hosts: '${key}'` };
  }
  return { names };
}

function rangeValues(begin: string, end: string, step: number): { items: string[] } | { error: string } {
  const isLetter = (text: string) => /^[A-Za-z]$/.test(text);
  if (isLetter(begin) || isLetter(end)) {
    if (!isLetter(begin) || !isLetter(end))
      return { error: 'a letter range needs single letters at both ends' };
    const from = begin.charCodeAt(0);
    const to = end.charCodeAt(0);
    if (from > to) return { error: `range start '${begin}' is after its end '${end}'` };
    const items: string[] = [];
    for (let code = from; code <= to; code += step) items.push(String.fromCharCode(code));
    return { items };
  }
  if (!/^[0-9]+$/.test(begin) || !/^[0-9]+$/.test(end))
    return { error: 'a range is numbers or single letters' };
  // Ansible pads to the width of the start only when it has a leading zero (`[01:10]`).
  const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
  if (width > 0 && width !== end.length)
    return { error: 'a zero-padded range needs start and end of equal width' };
  const from = Number(begin);
  const to = Number(end);
  if (from > to) return { error: `range start ${begin} is after its end ${end}` };
  if ((to - from) / step > maxExpandedHosts)
    return { error: `range expands to more than ${maxExpandedHosts} hosts` };
  const items: string[] = [];
  for (let value = from; value <= to; value += step) items.push(String(value).padStart(width, '0'));
  return { items };
}
