/**
 * Reads one item ahead of the consumer: while a page is being written to PostgreSQL, the next one
 * is already on its way from Chorus Pro. A failure of the read-ahead surfaces when the consumer
 * asks for that item, never as an unhandled rejection.
 */
export async function* prefetchOne<T>(
  source: AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  next.catch(() => undefined);
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        return;
      }
      next = iterator.next();
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    await iterator.return?.();
  }
}
