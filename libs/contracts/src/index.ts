export * from './lib/api-error';
export * from './lib/auth';
export * from './lib/budget';
export * from './lib/health';
export * from './lib/sync';
export * from './lib/astre-import';
export * from './lib/anomalies';
export * from './lib/admin';
