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
import { HealthModule } from './health/health.module';
import { InvoicesModule } from './invoices/invoices.module';
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
                'res.headers["set-cookie"]',
              ],
              censor: '[redacted]',
            },
            autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
            customProps: () => ({ service: 'api' }),
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
        AnomaliesModule,
        InvoicesModule,
        SettingsModule,
        UsersModule,
      ],
    };
  }
}
