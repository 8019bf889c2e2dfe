import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  type ElementRef,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ActiveElement,
  type ChartEvent,
} from 'chart.js';
import {
  buildBarChartConfig,
  chartClickAt,
  formatChartValue,
  isEmptyChart,
  type BarChartData,
  type ChartClick,
  type ChartValueFormat,
} from './chart-model';

let partsRegistered = false;

/** An A4 page's printable width at 96 dpi, and a bitmap sharp enough for paper. */
const PRINT_WIDTH_PX = 680;
const PRINT_HEIGHT_PX = 260;
const PRINT_PIXEL_RATIO = 2;

/** Only the pieces bar charts need; registered on first use, in the page's lazy chunk. */
function registerChartParts(): void {
  if (!partsRegistered) {
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
    Chart.defaults.font.family =
      "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";
    partsRegistered = true;
  }
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * A bar chart (chart.js) with French numbers, dark-on-white colours, no animation when printing,
 * and its data also as a list — for screen readers, for keyboard users (each value is a button
 * when the chart is clickable) and for anyone who wants the exact figures.
 */
@Component({
  selector: 'cd31-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="chart">
      <figcaption>{{ heading() }}</figcaption>
      <div class="canvas-box" [style.height]="height()" [hidden]="empty()">
        <canvas #canvas role="img" [attr.aria-label]="heading()"></canvas>
      </div>
      @if (empty()) {
        <p class="chart-empty">{{ emptyText() }}</p>
      } @else {
        <details class="chart-data">
          <summary>Voir les données</summary>
          <ul>
            @for (label of data().labels; track $index; let i = $index) {
              <li>
                <span class="chart-label">{{ label }}</span>
                @for (series of data().series; track $index; let s = $index) {
                  <span class="chart-value">
                    @if (data().series.length > 1) {
                      {{ series.label }} :
                    }
                    @if (clickable()) {
                      <button type="button" class="link" (click)="emitClick(s, i)">
                        {{ valueAt(series.values, i) }}
                      </button>
                    } @else {
                      {{ valueAt(series.values, i) }}
                    }
                  </span>
                }
              </li>
            }
          </ul>
        </details>
      }
    </figure>
  `,
  styles: `
    :host {
      display: block;
    }
    .chart {
      margin: 0;
      background: #fff;
      color: #1f2933;
      border: 1px solid var(--border, #d3dae3);
      border-radius: 8px;
      padding: 0.9rem 1rem;
      break-inside: avoid;
    }
    figcaption {
      font-weight: 600;
      margin-bottom: 0.5rem;
    }
    .canvas-box {
      position: relative;
      width: 100%;
    }
    .chart-empty {
      color: var(--muted, #52606d);
      margin: 1rem 0;
    }
    .chart-data {
      margin-top: 0.5rem;
      font-size: 0.85rem;
    }
    .chart-data summary {
      cursor: pointer;
      color: var(--brand, #1d4f91);
    }
    .chart-data ul {
      margin: 0.4rem 0 0;
      padding-left: 1.1rem;
    }
    .chart-label {
      font-weight: 600;
      margin-right: 0.5rem;
    }
    .chart-value + .chart-value::before {
      content: ' · ';
    }
    .link {
      font: inherit;
      background: none;
      border: none;
      padding: 0;
      color: var(--brand, #1d4f91);
      text-decoration: underline;
      cursor: pointer;
    }
    @media print {
      .chart {
        border-color: #999;
      }
      .canvas-box canvas {
        max-width: 100% !important;
        height: auto !important;
      }
      .chart-data {
        display: none;
      }
    }
  `,
})
export class ChartComponent {
  readonly heading = input.required<string>();
  readonly data = input.required<BarChartData>();
  readonly stacked = input(false);
  readonly horizontal = input(false);
  readonly format = input<ChartValueFormat>('integer');
  /** Default: a legend when there are several series. */
  readonly legend = input<boolean | null>(null);
  /** Bars (and the values of the data list) can be clicked. */
  readonly clickable = input(false);
  readonly height = input('16rem');
  readonly emptyText = input('Aucune donnée pour cette période.');

  readonly barClick = output<ChartClick>();

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private readonly chart = signal<Chart<'bar', number[], string> | null>(null);
  protected readonly empty = computed(() => isEmptyChart(this.data()));

  private readonly config = computed(() => {
    const config = buildBarChartConfig(this.data(), {
      stacked: this.stacked(),
      horizontal: this.horizontal(),
      format: this.format(),
      legend: this.legend() ?? this.data().series.length > 1,
      animate: !prefersReducedMotion(),
    });
    const clickable = this.clickable();
    const data = this.data();
    config.options = {
      ...config.options,
      onClick: (_event: ChartEvent, elements: ActiveElement[]) => {
        const hit = elements[0];
        if (clickable && hit) {
          this.emitClick(hit.datasetIndex, hit.index, data);
        }
      },
      onHover: (event: ChartEvent, elements: ActiveElement[]) => {
        const target = event.native?.target;
        if (target instanceof HTMLElement) {
          target.style.cursor = clickable && elements.length > 0 ? 'pointer' : 'default';
        }
      },
    };
    return config;
  });

  constructor() {
    registerChartParts();
    const destroyRef = inject(DestroyRef);

    afterNextRender(() => {
      this.chart.set(new Chart(this.canvas().nativeElement, this.config()));
    });

    effect(() => {
      const chart = this.chart();
      const config = this.config();
      if (chart) {
        chart.data = config.data;
        chart.options = config.options ?? {};
        chart.update();
      }
    });

    // Printing: no animation (the print snapshot would catch bars half-grown), a sharper bitmap
    // at the paper's width, then back to the screen's size afterwards.
    let screenRatio: number | undefined;
    const beforePrint = (): void => {
      const chart = this.chart();
      if (chart) {
        screenRatio ??= chart.options.devicePixelRatio;
        chart.options.animation = false;
        chart.options.devicePixelRatio = PRINT_PIXEL_RATIO;
        chart.resize(PRINT_WIDTH_PX, chart.canvas.parentElement?.clientHeight || PRINT_HEIGHT_PX);
      }
    };
    const afterPrint = (): void => {
      const chart = this.chart();
      if (chart) {
        chart.options.devicePixelRatio = screenRatio;
        screenRatio = undefined;
        chart.resize();
      }
    };
    const printQuery = typeof matchMedia === 'function' ? matchMedia('print') : null;
    const onPrintChange = (event: MediaQueryListEvent): void =>
      event.matches ? beforePrint() : afterPrint();
    if (typeof window !== 'undefined') {
      window.addEventListener('beforeprint', beforePrint);
      window.addEventListener('afterprint', afterPrint);
    }
    printQuery?.addEventListener?.('change', onPrintChange);

    destroyRef.onDestroy(() => {
      if (typeof window !== 'undefined') {
        window.removeEventListener('beforeprint', beforePrint);
        window.removeEventListener('afterprint', afterPrint);
      }
      printQuery?.removeEventListener?.('change', onPrintChange);
      this.chart()?.destroy();
      this.chart.set(null);
    });
  }

  protected valueAt(values: readonly number[], index: number): string {
    return formatChartValue(values.at(index) ?? 0, this.format());
  }

  protected emitClick(seriesIndex: number, index: number, data = this.data()): void {
    const click = chartClickAt(data, seriesIndex, index);
    if (click) {
      this.barClick.emit(click);
    }
  }
}
