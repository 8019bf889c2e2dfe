export * from './lib/api-error';
export * from './lib/budget';
export * from './lib/health';
