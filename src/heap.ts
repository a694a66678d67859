import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full GC kept, before the next one: 1.5x.
 * A fleet run keeps little (tens of MB at a thousand hosts: the results, and the hosts in flight)
 * and turns over a lot (every exec's script, output and parsed facts live a few seconds, long
 * enough to reach the old generation). V8 sizes its growing factor by the machine's memory, up to
 * 4x on a large one: measured on a 1000-host first run, the heap reached 180 MB between two full
 * GCs for 55 MB kept, 343 MiB RSS; at 1.5x, 223 MiB RSS for ~10 more full GCs (~0.5 s of CPU).
 * V8 reads the flag at each full GC, so setting it once the process runs takes effect.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
