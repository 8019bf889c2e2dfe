export * from './lib/local-postgres';
