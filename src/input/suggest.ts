/** Edit distance (insert, delete, substitute, and swap of neighbours: `nmae` is one typo from `name`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Candidates within `maxDistance` edits of `word`, closest first (ties keep candidate order). */
export function closeMatches(word: string, candidates: Iterable<string>, maxDistance = 2): string[] {
  return [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= maxDistance && candidate !== word)
    .sort((x, y) => x.distance - y.distance)
    .map(({ candidate }) => candidate);
}

/** ` (did you mean 'hosts'?)`, or '' when nothing is close enough to be worth saying. */
export function didYouMean(word: string, candidates: Iterable<string>, maxDistance = 2): string {
  const matches = closeMatches(word, candidates, maxDistance).slice(0, 3);
  if (matches.length === 0) return '';
  return ` (did you mean ${matches.map((match) => `'${match}'`).join(' or ')}?)`;
}
