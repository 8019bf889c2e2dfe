import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AnomaliesModule } from './anomalies/anomalies.module';
import { AstreImportsModule } from './astre-imports/astre-imports.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BudgetsModule } from './budgets/budgets.module';
import { ChorusSyncModule } from './chorus-sync/chorus-sync.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { dataSourceOptions } from './database/data-source';
import { ExportsModule } from './exports/exports.module';
import { HealthModule } from './health/health.module';
import { InvoicesModule } from './invoices/invoices.module';
import { StatsModule } from './stats/stats.module';
import { SettingsModule } from './settings/settings.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  /** `databaseUrl` comes from the database selection (external server or embedded one). */
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.headers["cpro-account"]',
                'req.headers["x-xsrf-token"]',
                'req.query.code',
                'req.query.state',
                'res.headers["set-cookie"]',
              ],
              censor: '[redacted]',
            },
            autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
            customProps: () => ({ service: 'api' }),
            serializers: {
              // The OIDC callback carries a one-time code and state in its query string.
              req: (req: { url?: string }) => ({
                ...req,
                url: req.url?.replace(/([?&](code|state)=)[^&]*/g, '$1[redacted]'),
              }),
            },
          },
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(databaseUrl, config.database.poolSize),
          logging: false,
        }),
        AuditModule,
        AuthModule,
        HealthModule,
        BudgetsModule,
        ChorusSyncModule,
        AstreImportsModule,
        ReconciliationModule,
        // Before AnomaliesModule: `anomalies/export.csv` must not be taken for `anomalies/:id`.
        ExportsModule,
        AnomaliesModule,
        InvoicesModule,
        SettingsModule,
        UsersModule,
        StatsModule,
      ],
    };
  }
}
