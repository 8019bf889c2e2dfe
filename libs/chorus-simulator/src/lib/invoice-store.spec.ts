import { DAY_MS, HOUR_MS, generateDataset } from '@cd31/dataset';
import { InvoiceStore, type InvoiceQuery } from './invoice-store';

const ALL: InvoiceQuery = {
  budgets: null,
  typeDemande: 0,
  statuses: null,
  windowFromMs: null,
  windowToMs: null,
  depotFromDay: null,
  depotToDay: null,
  typesFacture: null,
  downloaded: null,
  numeroFacture: null,
  sort: 'IdFacture',
  descending: false,
};

describe('InvoiceStore', () => {
  const dataset = generateDataset({ invoiceCount: 1000, seed: 5 });
  const now = dataset.now.getTime();

  /** Everything a search can tell, to compare two stores. */
  function snapshot(store: InvoiceStore, t: number): string {
    const window = store.search(
      { ...ALL, windowFromMs: t - 30 * DAY_MS, windowToMs: t, sort: 'DateHeureEtatCourant' },
      t,
    );
    const all = store.search(ALL, t);
    return JSON.stringify({
      window: Array.from(window),
      all: Array.from(all, (i) => [i, store.currentStatus(i), store.currentAtMs(i)]),
    });
  }

  it('gives the same answers after moving forward step by step as a store started there', () => {
    const moving = new InvoiceStore(dataset, now);
    for (let t = now; t <= now + 12 * DAY_MS; t += 7 * HOUR_MS) {
      moving.sync(t);
      expect(snapshot(moving, t)).toBe(snapshot(new InvoiceStore(dataset, t), t));
    }
  });

  it('recomputes everything when the clock goes back', () => {
    const store = new InvoiceStore(dataset, now + 20 * DAY_MS);
    store.sync(now);
    expect(snapshot(store, now)).toBe(snapshot(new InvoiceStore(dataset, now), now));
  });

  it('keeps the window index ordered after status changes at the same instant', () => {
    const store = new InvoiceStore(dataset, now);
    const mad = store.search({ ...ALL, statuses: new Set([2]) }, now);
    const [a, b] = [mad[5], mad[2]];
    store.applyStatus(a, 'A_RECYCLER', 'motif', now);
    store.applyStatus(b, 'A_RECYCLER', 'motif', now);
    const latest = store.search(
      { ...ALL, windowFromMs: now, windowToMs: now, sort: 'DateHeureEtatCourant' },
      now,
    );
    expect(Array.from(latest)).toEqual(
      [Math.min(a, b), Math.max(a, b)].filter((i) => dataset.columns.typeDemande[i] === 0),
    );
  });

  it('sorts by deposit date and invoice number on demand, both ways', () => {
    const store = new InvoiceStore(dataset, now);
    const byDepot = Array.from(store.search({ ...ALL, sort: 'DateDepot' }, now));
    const depots = byDepot.map((i) => store.record(i).dateDepot.getTime());
    expect(depots).toEqual([...depots].sort((x, y) => x - y));
    const byNumber = Array.from(
      store.search({ ...ALL, sort: 'NumeroFacture', descending: true }, now),
    );
    const numbers = byNumber.map((i) => store.record(i).numeroFacture);
    expect(numbers).toEqual([...numbers].sort().reverse());
  });
});
