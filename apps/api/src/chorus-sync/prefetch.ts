/**
 * Reads up to `depth` items ahead of the consumer: while pages are being written to PostgreSQL,
 * the next ones are already on their way from Chorus Pro. The source is still read one item at a
 * time, in order (one request in flight); `depth` only bounds how many read items may wait, i.e.
 * the memory held. A failure of the read-ahead surfaces when the consumer reaches that item, never
 * as an unhandled rejection. When the consumer stops early, the reads under way are let finish and
 * the source is closed.
 */
export async function* readAhead<T>(
  source: AsyncIterable<T>,
  depth: number,
): AsyncGenerator<T, void, undefined> {
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RangeError(`read-ahead depth must be a whole number ≥ 1 (got ${depth})`);
  }
  const iterator = source[Symbol.asyncIterator]();
  const waiting: Promise<IteratorResult<T>>[] = [];
  const asked: { last: Promise<IteratorResult<T>> | null } = { last: null };
  let finished = false;
  const askNext = (): void => {
    const previous = asked.last;
    // Chained: the source is asked again only once its previous answer is in, and never after
    // it ended or failed.
    const next: Promise<IteratorResult<T>> =
      previous === null
        ? iterator.next()
        : previous.then(
            (result) => (result.done ? result : iterator.next()),
            () => ({ done: true, value: undefined }),
          );
    next.catch(() => undefined);
    waiting.push(next);
    asked.last = next;
  };
  try {
    for (let i = 0; i < depth; i++) {
      askNext();
    }
    for (;;) {
      const head = waiting.shift();
      if (head === undefined) {
        return;
      }
      let result: IteratorResult<T>;
      try {
        result = await head;
      } catch (error) {
        finished = true;
        throw error;
      }
      if (result.done) {
        finished = true;
        return;
      }
      askNext();
      yield result.value;
    }
  } finally {
    if (!finished) {
      await asked.last?.catch(() => undefined);
      await iterator.return?.();
    }
  }
}
