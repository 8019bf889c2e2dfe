import {
  checkRecycleComment,
  comparisonRows,
  formatRate,
  paymentDelaySummary,
  prepareRecycleComment,
  statusTimeline,
} from './invoice-view';
import { invoiceDetail, paymentDelay } from '../../../testing/invoice-test-data';

const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('comparisonRows', () => {
  it('puts Chorus Pro beside ASTRE and flags the fields the API found different', () => {
    const rows = comparisonRows(invoiceDetail());
    const budget = rows.find((r) => r.label === 'Budget');
    expect(budget).toEqual({
      label: 'Budget',
      chorus: '62 — Laboratoire Eau Air (EVA)',
      astre: '01',
      differs: true,
    });
    const amount = rows.find((r) => r.label === 'Montant TTC');
    expect(plain(amount?.chorus ?? '')).toBe('1 234,56 €');
    expect(amount?.differs).toBe(false);
    expect(rows.find((r) => r.label === 'Statut / état')).toMatchObject({
      chorus: 'Mise à disposition',
      astre: 'Intégrée',
    });
    expect(rows.find((r) => r.label === 'Marché')?.astre).toBeNull();
  });

  it('shows dashes on the ASTRE side when there is no ASTRE row', () => {
    const rows = comparisonRows({ ...invoiceDetail(), astre: null, differences: [] });
    expect(rows.find((r) => r.label === 'N° de facture')?.astre).toBe('—');
    expect(rows.every((r) => !r.differs)).toBe(true);
  });
});

describe('statusTimeline', () => {
  it('reads oldest first', () => {
    const events = statusTimeline(invoiceDetail().statusHistory);
    expect(events.map((e) => e.status)).toEqual(['DEPOSEE', 'MISE_A_DISPOSITION']);
  });
});

describe('payment delay', () => {
  it('says how late or how long is left', () => {
    expect(paymentDelaySummary(paymentDelay({ daysLate: 4, daysLeft: null }))).toContain(
      'dépassé de 4 jours',
    );
    expect(paymentDelaySummary(paymentDelay({ daysLeft: 1, daysLate: 0 }))).toBe(
      "1 jour avant l'échéance du délai de paiement.",
    );
    expect(paymentDelaySummary(paymentDelay({ settled: true }))).toContain('mandatée');
    expect(paymentDelaySummary(paymentDelay({ startDate: null }))).toContain("n'a pas commencé");
    expect(paymentDelaySummary(paymentDelay({ suspendedNow: true, daysLate: 0 }))).toContain(
      'suspendu',
    );
  });

  it('prints the rate the French way', () => {
    expect(plain(formatRate(12.25))).toBe('12,25 %');
    expect(formatRate(null)).toBe('—');
  });
});

describe('recycle comment counter', () => {
  it('counts the text that will be sent: NFC, trimmed', () => {
    const decomposed = 'Re\u0301f'; // « Réf » with a combining accent: 3 characters once composed
    expect(prepareRecycleComment(`  ${decomposed}  `)).toBe('Réf');
    expect(checkRecycleComment(`  ${decomposed}  `).counter).toBe('3 / 255');
  });

  it('accepts exactly 255 characters and refuses 256', () => {
    const ok = checkRecycleComment('é'.repeat(255));
    expect(ok).toMatchObject({ length: 255, tooLong: false, problem: null, counter: '255 / 255' });
    const over = checkRecycleComment('é'.repeat(256));
    expect(over.tooLong).toBe(true);
    expect(over.counter).toBe('256 / 255');
    expect(over.problem).toContain('dépasse 255 caractères de 1');
  });

  it('refuses an empty comment', () => {
    expect(checkRecycleComment('   ')).toMatchObject({ empty: true, tooLong: false });
    expect(checkRecycleComment('   ').problem).toContain('vide');
  });
});
