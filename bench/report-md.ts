// The results as Markdown: the table the README shows, the targets, and what the numbers rest on.
import { type BenchResults, type Cell, findCell, medianSample } from './results.js';
import type { Phase, Tool } from './sample.js';

const ROWS: Array<[Tool, Phase, string]> = [
  ['floor', 'cat', 'floor (ssh2: connect, `cat`)'],
  ['netfix', 'check', 'netfix --check'],
  ['netfix', 'first', 'netfix first run'],
  ['netfix', 'second', 'netfix idempotent'],
  ['ansible', 'first', 'Ansible first run'],
  ['ansible', 'second', 'Ansible idempotent'],
  ['mitogen', 'first', 'Ansible+Mitogen first run'],
  ['mitogen', 'second', 'Ansible+Mitogen idempotent'],
];

const sec = (ms: number) => (ms / 1000).toFixed(2);
const num = (n: number | null) => (n === null ? 'n/a' : Number.isInteger(n) ? String(n) : n.toFixed(1));

function row(
  cells: Cell[],
  hosts: number,
  delay: number,
  [tool, phase, label]: [Tool, Phase, string],
): string | undefined {
  const cell = findCell(cells, hosts, delay, tool, phase);
  if (!cell) return undefined;
  const head = `| ${hosts} | ${delay} | ${cell.incidents.join(',')} | ${label} |`;
  // A failed run reports no time: the reason fills the row.
  if (cell.error)
    return `${head} FAILED: ${cell.error.split('\n')[0]?.replaceAll('|', '/')} |${' |'.repeat(9)}`;
  const m = medianSample(cell)!;
  const floor = medianSample(findCell(cells, hosts, delay, 'floor', 'cat'));
  const execs = m.execsPerHost === null ? 'n/a' : `${num(m.execsPerHost)} / ${num(m.maxExecsPerHost)}`;
  return `${head} ${sec(m.wallMs)} | ${floor ? (m.wallMs / floor.wallMs).toFixed(1) : ''} | ${sec(m.cpuMs)} | ${(m.cpuMs / hosts).toFixed(1)} | ${(m.peakRssBytes / 2 ** 20).toFixed(0)} | ${num(m.connectsPerHost)} / ${num(m.maxConnectsPerHost)} | ${execs} | ${(m.labCpuMs / hosts).toFixed(0)} | ${sec(m.otherCpuMs)} | ${cell.samples.length} |`;
}

export function table(results: BenchResults): string {
  const lines = [
    '| hosts | delay ms | incidents | run | wall s | x floor | controller CPU s | CPU ms/host | peak RSS MiB | connects/host (mean / max) | execs/host (mean / max) | lab CPU ms/host | other CPU s | runs |',
    '|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const hosts of results.options.hosts)
    for (const delay of results.options.delays)
      for (const spec of ROWS) {
        const line = row(results.cells, hosts, delay, spec);
        if (line) lines.push(line);
      }
  return lines.join('\n');
}

export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const lines = [
    `# netfix bench, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Linux ${m.kernel}, Node ${m.node}, ${m.openssh}` +
      `${m.ansible ? `, ${m.ansible}` : ''}${m.mitogen ? `, ${m.mitogen}` : ''}; load average at start ${m.loadAtStart.toFixed(2)}.`,
    'Wall, CPU and memory are medians over the runs column; execs/host are SSH exec sessions; "lab CPU" is what the simulated hosts spent.',
    '',
    table(results),
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...results.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.status} |`),
    '',
    '## Notes',
    '',
    ...results.notes.map((n) => `- ${n}`),
    `- Mitogen: ${results.mitogen.ran ? 'ran' : `did not run: ${results.mitogen.reason ?? 'not tried'}`}`,
    '',
  ];
  return lines.join('\n');
}
