import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Chart } from 'chart.js';
import { ChartComponent } from './chart.component';
import type { BarChartData, ChartClick } from './chart-model';

@Component({
  imports: [ChartComponent],
  template: `
    @if (shown()) {
      <cd31-chart
        heading="Factures bloquées par budget"
        [data]="data()"
        [clickable]="true"
        (barClick)="clicks.push($event)"
      />
    }
  `,
})
class HostComponent {
  readonly shown = signal(true);
  readonly data = signal<BarChartData>({
    labels: ['01 — Principal', '62 — EVA'],
    series: [{ label: 'Bloquées', values: [1234, 3], color: '#1d4f91' }],
  });
  readonly clicks: ChartClick[] = [];
}

async function render(): Promise<{
  host: HostComponent;
  element: HTMLElement;
  update: () => Promise<void>;
}> {
  const fixture = TestBed.createComponent(HostComponent);
  const update = async (): Promise<void> => {
    fixture.detectChanges();
    await fixture.whenStable();
  };
  await update();
  return { host: fixture.componentInstance, element: fixture.nativeElement as HTMLElement, update };
}

describe('ChartComponent', () => {
  it('draws a chart and lists its values in French', async () => {
    const { element } = await render();
    const canvas = element.querySelector('canvas');
    expect(canvas).not.toBeNull();
    expect(Chart.getChart(canvas!)).toBeDefined();
    expect(canvas?.getAttribute('aria-label')).toBe('Factures bloquées par budget');
    expect(element.querySelector('.chart-data')?.textContent?.replace(/\s+/g, ' ')).toContain(
      '01 — Principal 1 234',
    );
  });

  it('emits the bar behind a value of the list (keyboard users cannot click a canvas)', async () => {
    const { host, element } = await render();
    element.querySelectorAll<HTMLButtonElement>('.chart-data button')[1]?.click();
    expect(host.clicks).toEqual([
      { seriesIndex: 0, index: 1, label: '62 — EVA', seriesLabel: 'Bloquées', value: 3 },
    ]);
  });

  it('updates the chart with new data and destroys it on teardown', async () => {
    const { host, element, update } = await render();
    const canvas = element.querySelector('canvas')!;
    const chart = Chart.getChart(canvas)!;
    host.data.set({
      labels: ['15 — Restauration'],
      series: [{ label: 'Bloquées', values: [7], color: '#1d4f91' }],
    });
    await update();
    expect(chart.data.labels).toEqual(['15 — Restauration']);

    host.shown.set(false);
    await update();
    expect(Chart.getChart(canvas)).toBeUndefined();
  });

  it('stops animating and draws at paper width when printing', async () => {
    const { element } = await render();
    const chart = Chart.getChart(element.querySelector('canvas')!)!;
    const resize = jest.spyOn(chart, 'resize');
    window.dispatchEvent(new Event('beforeprint'));
    expect(chart.options.animation).toBe(false);
    expect(resize).toHaveBeenCalledWith(680, expect.any(Number));
    window.dispatchEvent(new Event('afterprint'));
    expect(resize).toHaveBeenLastCalledWith();
  });

  it('says so when there is nothing to draw', async () => {
    const { host, element, update } = await render();
    host.data.set({ labels: [], series: [] });
    await update();
    expect(element.querySelector('.chart-empty')?.textContent).toContain('Aucune donnée');
  });
});
