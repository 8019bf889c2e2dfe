import { anomalyCodeCell, anomalyColumns, paymentDelayText } from './anomaly-columns';
import { ANOMALY_SORT_FIELDS } from '@cd31/contracts';

describe('paymentDelayText', () => {
  it('says how late, or how many days are left', () => {
    expect(paymentDelayText({ dgpDaysLeft: null, dgpDaysLate: 12 })).toEqual({
      text: '12 j de retard',
      late: true,
    });
    expect(paymentDelayText({ dgpDaysLeft: 5, dgpDaysLate: 0 })).toEqual({
      text: '5 j restants',
      late: false,
    });
    expect(paymentDelayText({ dgpDaysLeft: 1, dgpDaysLate: null }).text).toBe('1 j restant');
    expect(paymentDelayText({ dgpDaysLeft: null, dgpDaysLate: null }).text).toBe('—');
  });
});

describe('anomalyCodeCell', () => {
  it('names the severity beside the French label, in the severity colour', () => {
    const cell = anomalyCodeCell({ code: 'DGP_DEPASSE', severity: 'CRITIQUE' });
    expect(cell.textContent).toBe('CritiqueDélai de paiement dépassé');
    const chip = cell.querySelector<HTMLElement>('.cd31-chip');
    expect(chip?.style.getPropertyValue('--chip-color')).toBe('#ce0500');
    expect(cell.title).toContain('intérêts moratoires');
  });
});

describe('anomalyColumns', () => {
  it('uses the API sort fields as column ids', () => {
    for (const column of anomalyColumns()) {
      expect(ANOMALY_SORT_FIELDS).toContain(column.colId);
    }
  });
});
