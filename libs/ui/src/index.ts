export * from './lib/french-format';
export * from './lib/french-format.pipes';
