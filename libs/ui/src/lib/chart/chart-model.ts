import type { ChartConfiguration, TooltipItem } from 'chart.js';

/** The framework-free half of `cd31-chart`: the data a page gives, and the chart.js config. */

export type ChartValueFormat = 'integer' | 'euro';

export interface ChartSeries {
  readonly label: string;
  /** One value per category label. */
  readonly values: readonly number[];
  /** Dark enough to read on white paper. */
  readonly color: string;
}

export interface BarChartData {
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
}

export interface BarChartOptions {
  readonly stacked: boolean;
  /** Bars along the x axis (long category labels such as budget names). */
  readonly horizontal: boolean;
  readonly format: ChartValueFormat;
  readonly legend: boolean;
  readonly animate: boolean;
}

/** What was clicked: the series (dataset) and the category (index). */
export interface ChartClick {
  readonly seriesIndex: number;
  readonly index: number;
  readonly label: string;
  readonly seriesLabel: string;
  readonly value: number;
}

/** Dark on white, for the screen and for paper. */
export const CHART_TEXT_COLOR = '#1f2933';
export const CHART_GRID_COLOR = '#d3dae3';

// Pure: pages that import `@cd31/ui` without a chart must not keep chart code.
const integerFormat = /* @__PURE__ */ new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const euroFormat = /* @__PURE__ */ new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const compactEuroFormat = /* @__PURE__ */ new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  maximumFractionDigits: 0,
});

/** `1 234` or `1 234,56 €` (tooltips and tables). */
export function formatChartValue(value: number, format: ChartValueFormat): string {
  return format === 'euro' ? euroFormat.format(value) : integerFormat.format(value);
}

/** Axis ticks: whole euros are enough there. */
export function formatChartTick(value: number, format: ChartValueFormat): string {
  return format === 'euro' ? compactEuroFormat.format(value) : integerFormat.format(value);
}

export function isEmptyChart(data: BarChartData): boolean {
  return data.labels.length === 0 || data.series.every((s) => s.values.every((v) => v === 0));
}

export function chartClickAt(
  data: BarChartData,
  seriesIndex: number,
  index: number,
): ChartClick | null {
  const series = data.series[seriesIndex];
  const label = data.labels[index];
  if (series === undefined || label === undefined) {
    return null;
  }
  return { seriesIndex, index, label, seriesLabel: series.label, value: series.values[index] ?? 0 };
}

/** The chart.js configuration of a bar chart (events are wired by the component). */
export function buildBarChartConfig(
  data: BarChartData,
  options: BarChartOptions,
): ChartConfiguration<'bar', number[], string> {
  const valueAxis = options.horizontal ? 'x' : 'y';
  const categoryAxis = options.horizontal ? 'y' : 'x';
  const tick = (value: string | number): string =>
    formatChartTick(typeof value === 'number' ? value : Number(value), options.format);
  return {
    type: 'bar',
    data: {
      labels: [...data.labels],
      datasets: data.series.map((series) => ({
        label: series.label,
        data: [...series.values],
        backgroundColor: series.color,
        borderColor: series.color,
        borderWidth: 0,
        maxBarThickness: 48,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: options.animate ? { duration: 300 } : false,
      indexAxis: categoryAxis,
      locale: 'fr-FR',
      color: CHART_TEXT_COLOR,
      scales: {
        [categoryAxis]: {
          type: 'category',
          stacked: options.stacked,
          ticks: { color: CHART_TEXT_COLOR },
          grid: { display: false },
          border: { color: CHART_GRID_COLOR },
        },
        [valueAxis]: {
          type: 'linear',
          stacked: options.stacked,
          beginAtZero: true,
          ticks: {
            color: CHART_TEXT_COLOR,
            precision: 0,
            callback: tick,
          },
          grid: { color: CHART_GRID_COLOR },
          border: { display: false },
        },
      },
      plugins: {
        legend: {
          display: options.legend,
          position: 'bottom',
          labels: { color: CHART_TEXT_COLOR, boxWidth: 14 },
        },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) => {
              const value = options.horizontal ? item.parsed.x : item.parsed.y;
              const text = formatChartValue(value ?? 0, options.format);
              return item.dataset.label ? `${item.dataset.label} : ${text}` : text;
            },
          },
        },
      },
    },
  };
}
