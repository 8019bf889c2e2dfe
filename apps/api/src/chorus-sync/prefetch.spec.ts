import { readAhead } from './prefetch';

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('readAhead', () => {
  it('reads up to `depth` items before the current one is consumed', async () => {
    const asked: number[] = [];
    async function* source(): AsyncGenerator<number> {
      for (let i = 1; i <= 5; i++) {
        asked.push(i);
        yield await Promise.resolve(i);
      }
    }
    const seen: { value: number; askedSoFar: number }[] = [];
    for await (const value of readAhead(source(), 2)) {
      await tick();
      seen.push({ value, askedSoFar: asked.length });
    }
    expect(seen).toEqual([
      { value: 1, askedSoFar: 3 },
      { value: 2, askedSoFar: 4 },
      { value: 3, askedSoFar: 5 },
      { value: 4, askedSoFar: 5 },
      { value: 5, askedSoFar: 5 },
    ]);
  });

  it('keeps one read in flight at a time, in order, and stops asking once the source ended', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<number>> => {
          calls++;
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await tick(1);
          inFlight--;
          return calls <= 4 ? { done: false, value: calls } : { done: true, value: undefined };
        },
      }),
    };
    const values: number[] = [];
    for await (const value of readAhead(source, 3)) {
      values.push(value);
    }
    expect(values).toEqual([1, 2, 3, 4]);
    expect(maxInFlight).toBe(1);
    expect(calls).toBe(5);
  });

  it('reports a read-ahead failure when that item is reached', async () => {
    async function* source(): AsyncGenerator<number> {
      yield await Promise.resolve(1);
      yield await Promise.resolve(2);
      throw new Error('page 3 failed');
    }
    const values: number[] = [];
    await expect(
      (async () => {
        for await (const value of readAhead(source(), 4)) {
          values.push(value);
        }
      })(),
    ).rejects.toThrow('page 3 failed');
    expect(values).toEqual([1, 2]);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<number> {
      try {
        for (let i = 1; ; i++) {
          yield await Promise.resolve(i);
        }
      } finally {
        closed = true;
      }
    }
    for await (const value of readAhead(source(), 3)) {
      if (value === 2) {
        break;
      }
    }
    expect(closed).toBe(true);
  });
});
