/**
 * A pure function of a file's text, remembered for the last `limit` texts. Every task of a host
 * parses the same sysctl.d and modules-load.d files, on every re-probe, and most of those files
 * are the same on every host: at a thousand hosts, parsing them again was a good part of what the
 * controller allocated. Bounded, because the texts are slices that keep a probe output alive.
 * Callers must not change what it returns.
 */
export function memoByText<T>(limit: number, parse: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const known = cache.get(text);
    if (known !== undefined) return known;
    const parsed = parse(text);
    if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
    cache.set(text, parsed);
    return parsed;
  };
}
