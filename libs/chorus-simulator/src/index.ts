export * from './lib/admin';
export * from './lib/chorus-api';
export * from './lib/clock';
export * from './lib/faults';
export * from './lib/invoice-store';
export * from './lib/simulator';
