import {
  buildBarChartConfig,
  chartClickAt,
  CHART_TEXT_COLOR,
  formatChartTick,
  formatChartValue,
  isEmptyChart,
  type BarChartData,
} from './chart-model';

const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

const data: BarChartData = {
  labels: ['01 — Principal', '62 — EVA'],
  series: [
    { label: 'Bloquées', values: [12, 3], color: '#1d4f91' },
    { label: 'En retard', values: [2, 0], color: '#b42318' },
  ],
};

describe('chart values in French', () => {
  it('formats counts and euros', () => {
    expect(plain(formatChartValue(1234, 'integer'))).toBe('1 234');
    expect(plain(formatChartValue(1234.5, 'euro'))).toBe('1 234,50 €');
    expect(plain(formatChartTick(15000, 'euro'))).toBe('15 000 €');
  });
});

describe('buildBarChartConfig', () => {
  it('stacks both axes when asked, with dark-on-white text', () => {
    const config = buildBarChartConfig(data, {
      stacked: true,
      horizontal: false,
      format: 'integer',
      legend: true,
      animate: true,
    });
    expect(config.data.labels).toEqual(['01 — Principal', '62 — EVA']);
    expect(config.data.datasets.map((d) => d.data)).toEqual([
      [12, 3],
      [2, 0],
    ]);
    const scales = config.options?.scales as Record<
      string,
      { stacked: boolean; ticks: { color: string } }
    >;
    expect(scales['x']?.stacked).toBe(true);
    expect(scales['y']?.stacked).toBe(true);
    expect(scales['y']?.ticks.color).toBe(CHART_TEXT_COLOR);
    expect(config.options?.plugins?.legend?.display).toBe(true);
  });

  it('puts values on the x axis of a horizontal chart, without animation when asked', () => {
    const config = buildBarChartConfig(data, {
      stacked: false,
      horizontal: true,
      format: 'euro',
      legend: false,
      animate: false,
    });
    expect(config.options?.indexAxis).toBe('y');
    expect(config.options?.animation).toBe(false);
    const scales = config.options?.scales as Record<string, { type: string }>;
    expect(scales['x']?.type).toBe('linear');
    expect(scales['y']?.type).toBe('category');
  });

  it('does not share arrays with the input (chart.js mutates its data)', () => {
    const config = buildBarChartConfig(data, {
      stacked: false,
      horizontal: false,
      format: 'integer',
      legend: false,
      animate: false,
    });
    expect(config.data.datasets[0]?.data).not.toBe(data.series[0]?.values);
  });
});

describe('chartClickAt', () => {
  it('names the bar that was clicked', () => {
    expect(chartClickAt(data, 1, 0)).toEqual({
      seriesIndex: 1,
      index: 0,
      label: '01 — Principal',
      seriesLabel: 'En retard',
      value: 2,
    });
    expect(chartClickAt(data, 3, 0)).toBeNull();
  });
});

describe('isEmptyChart', () => {
  it('is empty without labels or with only zeros', () => {
    expect(isEmptyChart({ labels: [], series: [] })).toBe(true);
    expect(
      isEmptyChart({ labels: ['a'], series: [{ label: 's', values: [0], color: '#000' }] }),
    ).toBe(true);
    expect(isEmptyChart(data)).toBe(false);
  });
});
