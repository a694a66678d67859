// The bench's results as data: every measured run, grouped by (hosts, delay, tool, phase), with
// medians. targets.ts reads the targets from them; report-md.ts renders them.
import type { Machine } from './machine.js';
import type { BenchOptions } from './options.js';
import type { Phase, Sample, Tool } from './sample.js';
import type { Incident } from './seed.js';

export interface Cell {
  hosts: number;
  delayMs: number;
  incidents: Incident[];
  tool: Tool;
  phase: Phase;
  samples: Sample[];
  /** Set when a run failed its check: the cell then reports no time. */
  error?: string;
}

export interface Target {
  name: string;
  /** What was measured, in words with numbers. */
  measured: string;
  status: 'met' | 'missed' | 'not measured';
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  options: BenchOptions;
  notes: string[];
  mitogen: { ran: boolean; reason?: string };
  cells: Cell[];
  targets: Target[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of each field over the cell's samples; undefined when the cell failed or is empty. */
export function medianSample(cell: Cell | undefined): Sample | undefined {
  if (!cell || cell.error || cell.samples.length === 0) return undefined;
  const of = (pick: (s: Sample) => number | null | undefined) => {
    const values = cell.samples.map(pick).filter((v): v is number => typeof v === 'number');
    return values.length > 0 ? median(values) : null;
  };
  const over = of((s) => s.hostsOverExecBudget);
  const bytes = of((s) => s.bytesReceivedPerHost);
  return {
    wallMs: of((s) => s.wallMs)!,
    cpuMs: of((s) => s.cpuMs)!,
    peakRssBytes: of((s) => s.peakRssBytes)!,
    connectsPerHost: of((s) => s.connectsPerHost)!,
    maxConnectsPerHost: Math.max(...cell.samples.map((s) => s.maxConnectsPerHost)),
    execsPerHost: of((s) => s.execsPerHost),
    maxExecsPerHost:
      of((s) => s.maxExecsPerHost) === null
        ? null
        : Math.max(...cell.samples.map((s) => s.maxExecsPerHost ?? 0)),
    ...(bytes === null ? {} : { bytesReceivedPerHost: bytes }),
    ...(over === null
      ? {}
      : { hostsOverExecBudget: Math.max(...cell.samples.map((s) => s.hostsOverExecBudget ?? 0)) }),
    labCpuMs: of((s) => s.labCpuMs)!,
    relayCpuMs: of((s) => s.relayCpuMs)!,
    otherCpuMs: of((s) => s.otherCpuMs)!,
  };
}

export function findCell(
  cells: Cell[],
  hosts: number,
  delayMs: number,
  tool: Tool,
  phase: Phase,
): Cell | undefined {
  return cells.find(
    (c) => c.hosts === hosts && c.delayMs === delayMs && c.tool === tool && c.phase === phase,
  );
}
