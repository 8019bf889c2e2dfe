import { anInvoiceRow } from '../testing/astre-csv-writer';
import { astreRowKey, normaliseInvoiceNumber } from './row-key';

describe('astreRowKey', () => {
  it('keys an invoice by budget and Chorus id when ASTRE kept it', () => {
    expect(astreRowKey(anInvoiceRow({ budgetCode: '15', chorusInvoiceId: 4512345 }))).toBe(
      '15|chorus|4512345',
    );
  });

  it('otherwise by budget, supplier SIRET and normalised invoice number', () => {
    const row = anInvoiceRow({ chorusInvoiceId: null, invoiceNumber: ' fa-2025/01 ' });
    expect(astreRowKey(row)).toBe('01|siret|44234567890127|FA-2025/01');
    expect(astreRowKey({ ...row, invoiceNumber: 'FA-2025/01' })).toBe(astreRowKey(row));
  });

  it('tells budgets apart: the same invoice in two budgets is two rows', () => {
    expect(astreRowKey(anInvoiceRow({ budgetCode: '01' }))).not.toBe(
      astreRowKey(anInvoiceRow({ budgetCode: '62' })),
    );
  });

  it('keys an engagement by budget and engagement number as entered', () => {
    expect(
      astreRowKey({
        kind: 'engagements',
        budgetCode: '01',
        engagementNumber: 'CP2025/X123456/1',
        serviceCode: null,
        supplierSiret: null,
        engagedAmount: null,
        solde: null,
      }),
    ).toBe('01|engagement|CP2025/X123456/1');
  });
});

describe('normaliseInvoiceNumber', () => {
  it('trims and upper-cases', () => {
    expect(normaliseInvoiceNumber('  fa-é1 ')).toBe('FA-É1');
  });
});
