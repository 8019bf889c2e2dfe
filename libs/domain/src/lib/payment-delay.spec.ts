import { DEFAULT_ANOMALY_THRESHOLDS } from './anomalies';
import {
  DEFAULT_INTEREST_RATES,
  type InterestRateRow,
  type PaymentDelayInput,
  centsToEuros,
  computePaymentDelay,
  eurosToCents,
  interestRateErrors,
  interestRateFor,
  moratoriumInterestCents,
  paymentDelayAnomaly,
} from './payment-delay';

/** An invoice of 10 000,00 € made available on Friday 1 March 2024 at 09:00 in Paris (day 0). */
function invoice(overrides: Partial<PaymentDelayInput> = {}): PaymentDelayInput {
  return {
    firstMadAt: '2024-03-01T09:00:00+01:00',
    now: '2024-03-01T09:00:00+01:00',
    ttc: 10_000,
    ...overrides,
  };
}

/** Noon in Paris on that day (summer or winter alike, noon never changes the date). */
const on = (date: string): string => `${date}T12:00:00`;

describe('rate table', () => {
  it('holds one valid row per half-year from 2019 to 2026-01-01', () => {
    expect(interestRateErrors(DEFAULT_INTEREST_RATES)).toEqual([]);
    expect(DEFAULT_INTEREST_RATES).toHaveLength(15);
    expect(DEFAULT_INTEREST_RATES[0].halfYearStart).toBe('2019-01-01');
    expect(DEFAULT_INTEREST_RATES[DEFAULT_INTEREST_RATES.length - 1].halfYearStart).toBe(
      '2026-01-01',
    );
  });

  it.each([
    ['2019-03-15', 8],
    ['2022-07-01', 8],
    ['2022-12-31', 8],
    ['2023-01-01', 10.5],
    ['2023-07-01', 12],
    ['2024-01-01', 12.5],
    ['2024-06-30', 12.5],
    ['2024-07-01', 12.25],
    ['2025-01-01', 11.15],
    ['2025-07-01', 10.15],
    ['2026-01-01', 10.15],
  ])('applies on %s the rate %p %%', (date, rate) => {
    expect(interestRateFor(date)).toMatchObject({ rate, rateExact: true });
  });

  it('falls back on the latest earlier row, flagged as not exact', () => {
    expect(interestRateFor('2026-09-01')).toEqual({
      halfYearStart: '2026-07-01',
      ecbRate: 2.15,
      rate: 10.15,
      rateExact: false,
    });
    expect(interestRateFor('2018-05-01')).toEqual({
      halfYearStart: '2018-01-01',
      ecbRate: null,
      rate: null,
      rateExact: false,
    });
  });

  it('refuses bad rows in French', () => {
    const rows = [
      { halfYearStart: '2024-03-01', ecbRate: 1 },
      { halfYearStart: '2024-07-01', ecbRate: 1 },
      { halfYearStart: '2024-07-01', ecbRate: Number.NaN },
    ] as unknown as InterestRateRow[];
    expect(interestRateErrors(rows)).toEqual([
      "« 2024-03-01 » n'est pas un début de semestre (AAAA-01-01 ou AAAA-07-01).",
      'Le semestre 2024-07-01 figure plusieurs fois.',
      'Le taux BCE du semestre 2024-07-01 doit être un pourcentage entre -10 et 30.',
    ]);
  });
});

describe('money', () => {
  it('converts euros to cents without float drift', () => {
    expect(eurosToCents(1234.57)).toBe(123_457);
    expect(eurosToCents(0.29)).toBe(29);
    expect(eurosToCents(-120)).toBe(-12_000);
    expect(centsToEuros(4_342)).toBe(43.42);
    expect(() => eurosToCents(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('computes interest = TTC × rate × days / 365, rounded half up to the cent', () => {
    expect(moratoriumInterestCents(1_000_000, 12.5, 1)).toBe(342); // 342,47
    expect(moratoriumInterestCents(1_000_000, 12.25, 1)).toBe(336); // 335,62
    expect(moratoriumInterestCents(1_234_567, 12.25, 10)).toBe(4_143); // 4 143,41
    expect(moratoriumInterestCents(500_000, 10.15, 7)).toBe(973); // 973,29
    expect(moratoriumInterestCents(1_825, 10, 1)).toBe(1); // exactly 0,5
    expect(moratoriumInterestCents(1_824, 10, 1)).toBe(0); // 0,4997
  });

  it('stays exact on large amounts', () => {
    // 99 999 999,99 € for a year at 12,25 %: 12 249 999,998775 €.
    expect(moratoriumInterestCents(9_999_999_999, 12.25, 365)).toBe(1_225_000_000);
  });

  it('owes nothing on a credit note, on no day late or at a zero rate', () => {
    expect(moratoriumInterestCents(-1_000_000, 12.5, 10)).toBe(0);
    expect(moratoriumInterestCents(1_000_000, 12.5, 0)).toBe(0);
    expect(moratoriumInterestCents(1_000_000, 0, 10)).toBe(0);
  });
});

describe('computePaymentDelay — the 30-day clock', () => {
  it('starts on the Paris date of the first mise à disposition', () => {
    const clock = computePaymentDelay(invoice({ firstMadAt: '2024-02-29T23:30:00Z' }));
    expect(clock.startDate).toBe('2024-03-01');
  });

  it('on day 0: 30 days left, 20 for the ordonnateur', () => {
    expect(computePaymentDelay(invoice())).toMatchObject({
      startDate: '2024-03-01',
      asOf: '2024-03-01',
      periodStart: '2024-03-01',
      periodDays: 30,
      daysElapsed: 0,
      dueDate: '2024-03-31',
      ordonnateurDueDate: '2024-03-21',
      daysLeft: 30,
      ordonnateurDaysLeft: 20,
      daysLate: 0,
      late: false,
      settled: false,
      suspendedNow: false,
      suspension: null,
      interest: null,
      owedCents: 0,
      eurosAtRiskCents: 0,
      eurosAtRisk: 0,
    });
  });

  it('on day 19: one day left to the ordonnateur, no alert yet', () => {
    const clock = computePaymentDelay(invoice({ now: on('2024-03-20') }));
    expect(clock).toMatchObject({ daysElapsed: 19, daysLeft: 11, ordonnateurDaysLeft: 1 });
    expect(paymentDelayAnomaly(clock, DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
    expect(paymentDelayAnomaly(clock, { dgpMenaceHorizonDays: 2 })).toBe('DGP_MENACE');
  });

  it("on day 20: the ordonnateur's last day, no alert yet with the default horizon", () => {
    const clock = computePaymentDelay(invoice({ now: on('2024-03-21') }));
    expect(clock).toMatchObject({ daysElapsed: 20, daysLeft: 10, ordonnateurDaysLeft: 0 });
    expect(paymentDelayAnomaly(clock, DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
    expect(paymentDelayAnomaly(clock, { dgpMenaceHorizonDays: 1 })).toBe('DGP_MENACE');
    // Paid 10 days from now it would still be on time.
    expect(clock.eurosAtRiskCents).toBe(0);
  });

  it("on day 21: the ordonnateur's share is used up → DGP_MENACE", () => {
    const clock = computePaymentDelay(invoice({ now: on('2024-03-22') }));
    expect(clock.ordonnateurDaysLeft).toBe(0);
    expect(paymentDelayAnomaly(clock, DEFAULT_ANOMALY_THRESHOLDS)).toBe('DGP_MENACE');
    expect(clock.eurosAtRiskCents).toBe(342 + 4_000);
  });

  it('on day 25: 5 days left; at risk, the cost of 5 days late', () => {
    const clock = computePaymentDelay(invoice({ now: on('2024-03-26') }));
    expect(clock).toMatchObject({ daysLeft: 5, late: false, owedCents: 0 });
    expect(clock.eurosAtRiskCents).toBe(1_712 + 4_000);
    expect(clock.eurosAtRisk).toBe(57.12);
    expect(
      computePaymentDelay(invoice({ now: on('2024-03-26'), riskHorizonDays: 0 })).eurosAtRisk,
    ).toBe(0);
  });

  it('on day 30 (the due date): on time, 0 day left', () => {
    const clock = computePaymentDelay(invoice({ now: on('2024-03-31') }));
    expect(clock).toMatchObject({ daysElapsed: 30, daysLeft: 0, daysLate: 0, late: false });
    expect(paymentDelayAnomaly(clock, DEFAULT_ANOMALY_THRESHOLDS)).toBe('DGP_MENACE');
  });

  it('on day 31: one day late → interest from 1 April at 12,50 % + 40 €', () => {
    const clock = computePaymentDelay(invoice({ now: on('2024-04-01') }));
    expect(clock).toMatchObject({ daysElapsed: 31, daysLeft: 0, daysLate: 1, late: true });
    expect(clock.interest).toEqual({
      startsOn: '2024-04-01',
      halfYearStart: '2024-01-01',
      ecbRate: 4.5,
      rate: 12.5,
      rateExact: true,
      days: 1,
      amountCents: 342,
      amount: 3.42,
    });
    expect(clock.indemnityCents).toBe(4_000);
    expect(clock.owedCents).toBe(4_342);
    expect(clock.eurosAtRiskCents).toBe(4_342);
    expect(clock.eurosAtRisk).toBe(43.42);
    expect(paymentDelayAnomaly(clock, DEFAULT_ANOMALY_THRESHOLDS)).toBe('DGP_DEPASSE');
  });

  it('counts days late up to the payment date included, then stops', () => {
    const clock = computePaymentDelay(
      invoice({ paidOrMandatedAt: on('2024-04-10'), now: on('2024-06-01') }),
    );
    expect(clock).toMatchObject({ asOf: '2024-04-10', settled: true, daysLate: 10 });
    expect(clock.interest?.amountCents).toBe(3_425);
    expect(clock.eurosAtRiskCents).toBe(3_425 + 4_000);
    expect(paymentDelayAnomaly(clock, DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
  });

  it('owes nothing when paid on time', () => {
    const clock = computePaymentDelay(
      invoice({ paidOrMandatedAt: on('2024-03-31'), now: on('2024-06-01') }),
    );
    expect(clock).toMatchObject({ settled: true, late: false, owedCents: 0, eurosAtRiskCents: 0 });
  });

  it('owes nothing on a late credit note', () => {
    const clock = computePaymentDelay(invoice({ ttc: -500, now: on('2024-05-01') }));
    expect(clock).toMatchObject({ late: true, daysLate: 31, interest: null, owedCents: 0 });
    expect(clock.eurosAtRiskCents).toBe(0);
  });
});

describe('computePaymentDelay — DST change days', () => {
  it('made available at 00:30 on 31 March (spring change): due on 30 April', () => {
    const mad = '2024-03-31T00:30:00+01:00';
    const onTime = computePaymentDelay({
      firstMadAt: mad,
      now: '2024-04-30T23:30:00+02:00',
      ttc: 1000,
    });
    expect(onTime).toMatchObject({ startDate: '2024-03-31', dueDate: '2024-04-30', daysLate: 0 });
    // 22:30 UTC on 30 April is 00:30 on 1 May in Paris: one day late.
    const late = computePaymentDelay({ firstMadAt: mad, now: '2024-04-30T22:30:00Z', ttc: 1000 });
    expect(late).toMatchObject({ asOf: '2024-05-01', daysLate: 1 });
  });

  it('over the autumn change: 30 calendar days even though one of them lasts 25 hours', () => {
    const mad = '2024-10-01T10:00:00+02:00';
    expect(
      computePaymentDelay({ firstMadAt: mad, now: '2024-10-31T23:30:00+01:00', ttc: 1000 }),
    ).toMatchObject({ dueDate: '2024-10-31', daysElapsed: 30, daysLate: 0 });
    expect(
      computePaymentDelay({ firstMadAt: mad, now: '2024-10-31T23:30:00Z', ttc: 1000 }),
    ).toMatchObject({ asOf: '2024-11-01', daysLate: 1 });
  });

  it('made available during the repeated hour of 27 October', () => {
    // 02:30 happens twice that night; both are 27 October.
    for (const mad of ['2024-10-27T00:30:00Z', '2024-10-27T01:30:00Z']) {
      expect(
        computePaymentDelay({ firstMadAt: mad, now: on('2024-11-26'), ttc: 1000 }),
      ).toMatchObject({ startDate: '2024-10-27', dueDate: '2024-11-26', daysLeft: 0 });
    }
  });
});

describe('computePaymentDelay — interest half-year', () => {
  it('uses the half-year in which interest starts, not the one of the due date', () => {
    // Made available on 31 May 2024: due 30 June, interest starts 1 July → 12,25 %.
    const july = computePaymentDelay({
      firstMadAt: on('2024-05-31'),
      paidOrMandatedAt: on('2024-07-10'),
      now: on('2024-07-10'),
      ttc: 12_345.67,
    });
    expect(july.interest).toMatchObject({
      startsOn: '2024-07-01',
      halfYearStart: '2024-07-01',
      rate: 12.25,
      days: 10,
      amountCents: 4_143,
    });
    // One day earlier: due 29 June, interest starts 30 June → 12,50 % for the whole period.
    const june = computePaymentDelay({
      firstMadAt: on('2024-05-30'),
      paidOrMandatedAt: on('2024-07-09'),
      now: on('2024-07-09'),
      ttc: 12_345.67,
    });
    expect(june.interest).toMatchObject({
      startsOn: '2024-06-30',
      halfYearStart: '2024-01-01',
      rate: 12.5,
      days: 10,
    });
  });

  it('flags an estimated rate when the half-year has no row yet', () => {
    const clock = computePaymentDelay({
      firstMadAt: on('2026-06-15'),
      now: on('2026-07-22'),
      ttc: 5_000,
    });
    expect(clock.interest).toMatchObject({
      startsOn: '2026-07-16',
      halfYearStart: '2026-07-01',
      rate: 10.15,
      rateExact: false,
      days: 7,
      amountCents: 973,
    });
  });

  it('still owes the 40 € when no rate is known at all', () => {
    const clock = computePaymentDelay({
      firstMadAt: on('2018-01-01'),
      now: on('2018-02-15'),
      ttc: 5_000,
    });
    expect(clock.interest).toMatchObject({ rate: null, amountCents: 0 });
    expect(clock.owedCents).toBe(4_000);
  });

  it('takes an edited rate table', () => {
    const clock = computePaymentDelay(
      invoice({ now: on('2024-04-15'), rates: [{ halfYearStart: '2024-01-01', ecbRate: 0 }] }),
    );
    expect(clock.interest).toMatchObject({ rate: 8, days: 15 });
    expect(clock.interest?.amountCents).toBe(moratoriumInterestCents(1_000_000, 8, 15));
  });
});

describe('computePaymentDelay — suspension', () => {
  const suspendedDay10 = { from: on('2024-03-11'), to: on('2024-03-25') };

  it('stops the clock while suspended', () => {
    const clock = computePaymentDelay(
      invoice({ suspensions: [{ from: on('2024-03-11'), to: null }], now: on('2024-03-20') }),
    );
    expect(clock).toMatchObject({
      suspendedNow: true,
      suspension: { from: '2024-03-11', to: null, balanceDays: 20, restartDelayDays: 30 },
      daysElapsed: 10,
      dueDate: null,
      ordonnateurDueDate: null,
      daysLeft: 30,
      ordonnateurDaysLeft: 20,
      late: false,
      eurosAtRiskCents: 0,
    });
    expect(paymentDelayAnomaly(clock, DEFAULT_ANOMALY_THRESHOLDS)).toBeNull();
  });

  it('is still suspended when the completion comes after the reading day', () => {
    const clock = computePaymentDelay(
      invoice({ suspensions: [suspendedDay10], now: on('2024-03-24') }),
    );
    expect(clock.suspendedNow).toBe(true);
  });

  it('restarts a full 30-day delay on completion (the balance, 20 days, is shorter)', () => {
    const clock = computePaymentDelay(
      invoice({ suspensions: [suspendedDay10], now: on('2024-03-25') }),
    );
    expect(clock).toMatchObject({
      suspendedNow: false,
      periodStart: '2024-03-25',
      periodDays: 30,
      daysElapsed: 0,
      dueDate: '2024-04-24',
      ordonnateurDueDate: '2024-04-14',
      daysLeft: 30,
      ordonnateurDaysLeft: 20,
    });
  });

  it('is on time on the new due date and late the day after', () => {
    expect(
      computePaymentDelay(invoice({ suspensions: [suspendedDay10], now: on('2024-04-24') })),
    ).toMatchObject({ daysLeft: 0, daysLate: 0 });
    const late = computePaymentDelay(
      invoice({ suspensions: [suspendedDay10], now: on('2024-04-25') }),
    );
    expect(late).toMatchObject({ daysLate: 1 });
    expect(late.interest?.startsOn).toBe('2024-04-25');
  });

  it('applies only the first suspension: the clock runs through a second one', () => {
    const clock = computePaymentDelay(
      invoice({
        suspensions: [{ from: on('2024-04-01'), to: on('2024-04-20') }, suspendedDay10],
        now: on('2024-04-25'),
      }),
    );
    expect(clock).toMatchObject({
      suspension: { from: '2024-03-11' },
      ignoredSuspensions: 1,
      dueDate: '2024-04-24',
      daysLate: 1,
    });
  });

  it('ignores a suspension that starts after the due date', () => {
    const clock = computePaymentDelay(
      invoice({ suspensions: [{ from: on('2024-04-01'), to: null }], now: on('2024-04-05') }),
    );
    expect(clock).toMatchObject({
      suspension: null,
      ignoredSuspensions: 1,
      suspendedNow: false,
      daysLate: 5,
    });
  });

  it('applies a suspension that starts on the due date: balance 0, new delay 30', () => {
    const clock = computePaymentDelay(
      invoice({
        suspensions: [{ from: on('2024-03-31'), to: on('2024-04-02') }],
        now: on('2024-04-02'),
      }),
    );
    expect(clock).toMatchObject({
      suspension: { balanceDays: 0, restartDelayDays: 30 },
      dueDate: '2024-05-02',
      late: false,
    });
  });

  it('ignores a suspension that starts after the payment', () => {
    const clock = computePaymentDelay(
      invoice({
        suspensions: [{ from: on('2024-03-20'), to: null }],
        paidOrMandatedAt: on('2024-03-15'),
        now: on('2024-03-25'),
      }),
    );
    expect(clock).toMatchObject({ suspension: null, ignoredSuspensions: 1, settled: true });
  });

  it('treats a suspension recorded before the start as starting on day 0', () => {
    const clock = computePaymentDelay(
      invoice({
        suspensions: [{ from: on('2024-02-20'), to: on('2024-03-05') }],
        now: on('2024-03-05'),
      }),
    );
    expect(clock.suspension).toMatchObject({ from: '2024-03-01', balanceDays: 30 });
    expect(clock.dueDate).toBe('2024-04-04');
  });

  it('refuses a suspension that ends before it starts', () => {
    expect(() =>
      computePaymentDelay(
        invoice({ suspensions: [{ from: on('2024-03-11'), to: on('2024-03-10') }] }),
      ),
    ).toThrow(RangeError);
  });

  describe('with a 60-day delay, where the balance can exceed 30 days', () => {
    const sixty = (suspendedOn: string): PaymentDelayInput =>
      invoice({
        delayDays: 60,
        suspensions: [{ from: on(suspendedOn), to: on('2024-05-10') }],
        now: on('2024-05-10'),
      });

    it.each([
      ['2024-03-11', 50, 50, '2024-06-29'], // day 10: balance 50 > 30
      ['2024-03-30', 31, 31, '2024-06-10'], // day 29: balance 31 > 30
      ['2024-03-31', 30, 30, '2024-06-09'], // day 30: balance 30
      ['2024-04-01', 29, 30, '2024-06-09'], // day 31: balance 29 < 30 → 30
    ])('suspended on %s: balance %p, new delay %p, due %s', (from, balance, restart, due) => {
      const clock = computePaymentDelay(sixty(from));
      expect(clock.suspension).toMatchObject({ balanceDays: balance, restartDelayDays: restart });
      expect(clock.periodDays).toBe(restart);
      expect(clock.dueDate).toBe(due);
      expect(clock.ordonnateurDaysLeft).toBe(restart - 10);
    });
  });
});

describe('computePaymentDelay — input checks', () => {
  it('refuses impossible settings', () => {
    expect(() => computePaymentDelay(invoice({ delayDays: -1 }))).toThrow(RangeError);
    expect(() => computePaymentDelay(invoice({ accountantDays: 40 }))).toThrow(RangeError);
    expect(() => computePaymentDelay(invoice({ riskHorizonDays: 1.5 }))).toThrow(RangeError);
    expect(() => computePaymentDelay(invoice({ ttc: Number.NaN }))).toThrow(RangeError);
  });

  it('never reports negative days when the reading day precedes the start', () => {
    const clock = computePaymentDelay(invoice({ now: on('2024-02-25') }));
    expect(clock).toMatchObject({
      daysElapsed: 0,
      daysLeft: 30,
      ordonnateurDaysLeft: 20,
      daysLate: 0,
    });
  });
});
