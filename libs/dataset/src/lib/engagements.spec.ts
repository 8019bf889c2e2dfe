import {
  isWellFormedEngagement,
  malformedEngagement,
  unknownEngagementNumber,
} from './engagements';
import { Prng } from './prng';
import { formatFrenchAmount, csvField } from './astre-csv';

describe('engagement numbers', () => {
  it('accepts the two formats of the suppliers’ guide, exactly as given', () => {
    expect(isWellFormedEngagement('CP2020/X123456/1')).toBe(true);
    expect(isWellFormedEngagement('AP2020/1234')).toBe(true);
    expect(isWellFormedEngagement('cp2020/x123456/1')).toBe(false);
    expect(isWellFormedEngagement(' CP2020/X123456/1')).toBe(false);
    expect(isWellFormedEngagement('EJ CP2020/X123456/1')).toBe(false);
  });

  it('plants malformed spellings that stay malformed once trimmed, and well-formed unknown ones', () => {
    const prng = new Prng(5);
    for (let i = 0; i < 200; i++) {
      expect(isWellFormedEngagement(malformedEngagement(prng, 'CP2025/X100123/1').trim())).toBe(
        false,
      );
      expect(isWellFormedEngagement(malformedEngagement(prng, 'AP2025/1001').trim())).toBe(false);
      expect(isWellFormedEngagement(unknownEngagementNumber(prng, 2025))).toBe(true);
    }
  });
});

describe('French CSV values', () => {
  it('formats amounts with a comma and grouped thousands', () => {
    expect(formatFrenchAmount(123_456_789)).toBe('1 234 567,89');
    expect(formatFrenchAmount(123_456_789, '\u00a0')).toBe('1\u00a0234\u00a0567,89');
    expect(formatFrenchAmount(-12_000)).toBe('-120,00');
    expect(formatFrenchAmount(5)).toBe('0,05');
    expect(formatFrenchAmount(100_000, '')).toBe('1000,00');
  });

  it('quotes fields holding separators or quotes', () => {
    expect(csvField('Dupont; Fils')).toBe('"Dupont; Fils"');
    expect(csvField('Boulangerie "Au Bon Pain"')).toBe('"Boulangerie ""Au Bon Pain"""');
    expect(csvField('Martin SARL')).toBe('Martin SARL');
  });
});
