// Durations as operators write them for systemd (`90s`, `15min`, `1h 30m`, `7d`). Hand-written
// because it is systemd's own syntax we mirror: the value goes straight into RuntimeMaxSec= and
// RandomizedDelaySec=, so netfix must accept what systemd accepts and nothing else.

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
};

/** `1h30m`, `1h 30min`, `45s`, `7d` to whole seconds; a bare number is seconds, as in systemd. */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { seconds: Number(trimmed) };
  const part = /(\d+)\s*([a-z]+)\s*/gy;
  let seconds = 0;
  let consumed = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    const unit = UNIT_SECONDS[match[2]!];
    if (unit === undefined) return { error: `'${text}': unknown unit '${match[2]}' (use s, min, h, d, w)` };
    seconds += Number(match[1]) * unit;
    consumed = part.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length)
    return { error: `'${text}': expected a duration like 90s, 15min, 1h30m or 7d` };
  return { seconds };
}

/** The shortest exact form: 5400 -> `1h30min`; systemd reads it back to the same seconds. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
