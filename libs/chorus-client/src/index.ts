export * from './lib/chorus-client';
export * from './lib/chorus-config';
export * from './lib/chorus-errors';
export * from './lib/chorus-types';
export {
  CHORUS_DEFAULT_RETRY_POLICY,
  CHORUS_TOKEN_MARGIN_SECONDS,
  type ChorusClientOptions,
  type ChorusRetryPolicy,
} from './lib/chorus-transport';
export { readCalendarDate, readDecimal, readInstant } from './lib/chorus-values';
export { formatParisDateTime, parisWallTimeToInstant } from './lib/paris-time';
