/**
 * Seeded pseudo-random numbers. Every invoice draws from its own stream, seeded from
 * (dataset seed, invoice index, stream), so invoice i can be regenerated alone, in any order.
 */

/** 32-bit integer hash of up to three integers (murmur3 finaliser over a simple combination). */
export function hash32(a: number, b = 0, c = 0): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ b, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ c ^ 0x27d4eb2f, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast, good enough for test data (not for anything secret). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static for(seed: number, index: number, stream = 0): Prng {
    return new Prng(hash32(seed, index, stream));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max], both included. */
  intBetween(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Real number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) {
      throw new RangeError('pick() from an empty list');
    }
    return item;
  }

  /** k distinct items (fewer when the list is shorter). */
  some<T>(items: readonly T[], k: number): T[] {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < k && pool.length > 0) {
      chosen.push(...pool.splice(this.int(pool.length), 1));
    }
    return chosen;
  }

  /** Index drawn with the given (non-negative) weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) {
      total += w;
    }
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** Fixed-width string of random digits. */
  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) {
      out += String.fromCharCode(48 + this.int(10));
    }
    return out;
  }
}
