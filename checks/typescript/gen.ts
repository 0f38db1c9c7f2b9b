// Seeded data generators shared by every TypeScript level's checks: a small
// deterministic RNG, id lists, tables and relationship maps of any size. Every
// run grades the same data. Level-specific builders (a blog, a chat) live in
// the level's own checks and are made from these.

import { freezeBuilt } from './harness';

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence everywhere. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.int(items.length)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/** The seed every level uses unless a check needs another. */
export const SEED = 42;

/** "10,000" for 10000: how sizes appear in check messages and labels. */
export function thousands(n: number): string {
  return Math.trunc(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** [0, 1, ..., n - 1]. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** ["p0", "p1", ...]: n ids with a prefix, made with the level's id constructor. */
export function ids<Id>(prefix: string, n: number, make: (raw: string) => Id): Id[] {
  return range(n).map((i) => make(`${prefix}${i}`));
}

/**
 * A table keyed by `keyOf`, in list order, as a plain object, deep-frozen like
 * every state the checks hand over. Object.fromEntries defines own properties,
 * so even "__proto__" is stored as a key.
 */
export function tableOf<K extends string, T>(items: readonly T[], keyOf: (item: T) => K): Record<K, T> {
  return freezeBuilt(Object.fromEntries(items.map((item) => [keyOf(item), item])) as Record<K, T>, items);
}

/**
 * A relationship map owner -> ids, in list order, deep-frozen: `owners` get an
 * entry each (empty lists included, as the seed's states have), then every
 * item is appended to its owner's list.
 */
export function listsBy<K extends string, V, T>(
  owners: readonly K[],
  items: readonly T[],
  ownerOf: (item: T) => K,
  valueOf: (item: T) => V,
): Record<K, V[]> {
  const lists = new Map<K, V[]>(owners.map((o) => [o, []]));
  for (const item of items) {
    const owner = ownerOf(item);
    const list = lists.get(owner);
    if (list) list.push(valueOf(item));
    else lists.set(owner, [valueOf(item)]);
  }
  for (const list of lists.values()) freezeBuilt(list, list);
  return freezeBuilt(Object.fromEntries(lists) as Record<K, V[]>, lists.values());
}
