export * from './lib/confirm-dialog.component';
export * from './lib/french-format';
export * from './lib/french-format.pipes';
