import { createHash } from 'node:crypto';

// N runners split one inventory: each host belongs to exactly one shard, chosen by a hash of its
// name, so a host stays in its shard when others are added or removed (only N changes move it).

export interface Shard {
  /** 0-based, as Kubernetes' JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

export function shardOf(hostName: string, count: number): number {
  const digest = createHash('sha256').update(hostName).digest();
  return digest.readUInt32BE(0) % count;
}

/** The hosts of shard K of N, in their original order. */
export function selectShard<T extends string | { name: string }>(hosts: readonly T[], shard: Shard): T[] {
  return hosts.filter(
    (host) => shardOf(typeof host === 'string' ? host : host.name, shard.count) === shard.index,
  );
}

/** `K/N` with 0 <= K < N. */
export function parseShard(text: string): Shard | { error: string } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match)
    return { error: `--shard '${text}': expected K/N, e.g. 0/4 (K counts from 0, as JOB_COMPLETION_INDEX)` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 10000) return { error: `--shard '${text}': N must be between 1 and 10000` };
  if (index >= count) return { error: `--shard '${text}': K must be below N (shards are 0..${count - 1})` };
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
