import { ChorusClient } from '@cd31/chorus-client';
import type { Provider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export const CHORUS_CLIENT = Symbol('CHORUS_CLIENT');

/** The PISTE client, or null when no connection is configured (the sync is then unavailable). */
export const chorusClientProvider: Provider = {
  provide: CHORUS_CLIENT,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): ChorusClient | null => {
    const connection = config.chorus.connection;
    if (!connection) {
      return null;
    }
    const logger = new Logger('ChorusClient');
    return new ChorusClient(connection, {
      retry: {
        maxAttempts: config.chorus.retryAttempts,
        baseDelayMs: config.chorus.retryBaseDelayMs,
      },
      onEvent: (event) => {
        if (event.outcome !== 'success') {
          logger.warn({ msg: 'Chorus Pro call not successful', ...event });
        }
      },
    });
  },
};
