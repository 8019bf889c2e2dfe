export * from './lib/confirm-dialog.component';
export * from './lib/french-format';
export * from './lib/french-format.pipes';
export * from './lib/data-grid/data-grid-model';
export * from './lib/data-grid/data-grid.component';
export * from './lib/chart/chart-model';
export * from './lib/chart/chart.component';
