import { prefetchOne } from './prefetch';

describe('prefetchOne', () => {
  it('asks for the next item before the current one is consumed', async () => {
    const asked: number[] = [];
    async function* source(): AsyncGenerator<number> {
      for (let i = 1; i <= 3; i++) {
        asked.push(i);
        yield await Promise.resolve(i);
      }
    }
    const seen: { value: number; askedSoFar: number }[] = [];
    for await (const value of prefetchOne(source())) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push({ value, askedSoFar: asked.length });
    }
    expect(seen).toEqual([
      { value: 1, askedSoFar: 2 },
      { value: 2, askedSoFar: 3 },
      { value: 3, askedSoFar: 3 },
    ]);
  });

  it('reports a read-ahead failure when that item is reached', async () => {
    async function* source(): AsyncGenerator<number> {
      yield await Promise.resolve(1);
      throw new Error('page 2 failed');
    }
    const values: number[] = [];
    await expect(
      (async () => {
        for await (const value of prefetchOne(source())) {
          values.push(value);
        }
      })(),
    ).rejects.toThrow('page 2 failed');
    expect(values).toEqual([1]);
  });
});
