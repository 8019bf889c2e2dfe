import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { CronJob } from 'cron';
import type { DataSource } from 'typeorm';
import { AstreImportsModule } from '../astre-imports/astre-imports.module';
import { AstreImportsService } from '../astre-imports/astre-imports.service';
import { ChorusSyncModule } from '../chorus-sync/chorus-sync.module';
import { ChorusSyncService } from '../chorus-sync/chorus-sync.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationService } from './reconciliation.service';

/** Above this many affected invoices a full run is cheaper than a scoped one. */
const SCOPED_RUN_LIMIT = 50_000;

/**
 * Wires the reconciliation to what changes the data: after every sync and every confirmed
 * import it re-runs for the affected invoices; a daily full run refreshes the time-based rules.
 */
@Module({
  imports: [ChorusSyncModule, AstreImportsModule],
  controllers: [ReconciliationController],
  providers: [ReconciliationService],
  exports: [ReconciliationService],
})
export class ReconciliationModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationModule.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reconciliation: ReconciliationService,
    private readonly sync: ChorusSyncService,
    private readonly imports: AstreImportsService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.sync.onSynced(async (run) => {
      const [row] = await this.dataSource.query<{ ids: string[] | null; n: string }[]>(
        `SELECT count(*) AS n, (array_agg(id_facture))[1:${SCOPED_RUN_LIMIT}] AS ids
           FROM chorus_invoice WHERE changed_at >= $1`,
        [run.startedAt],
      );
      const changed = Number(row?.n ?? 0);
      await this.reconciliation.run(
        changed > SCOPED_RUN_LIMIT
          ? { kind: 'all' }
          : { kind: 'invoices', ids: (row?.ids ?? []).map(Number) },
        'sync',
      );
    });
    this.imports.onConfirmed(async ({ importId, kind }) => {
      if (kind === 'engagements') {
        await this.reconciliation.run({ kind: 'all' }, 'import');
        return;
      }
      const rows = await this.dataSource.query<{ id_facture: string }[]>(
        `SELECT c.id_facture FROM astre_invoice a JOIN chorus_invoice c ON c.id_facture = a.chorus_invoice_id
          WHERE a.last_import_id = $1
         UNION
         SELECT c.id_facture FROM astre_invoice a
           JOIN chorus_invoice c ON c.code_fournisseur = a.supplier_siret
                                AND upper(btrim(c.numero_facture)) = a.invoice_number_norm
          WHERE a.last_import_id = $1 AND a.chorus_invoice_id IS NULL
         UNION
         SELECT m.id_facture FROM invoice_match m JOIN astre_invoice a ON a.row_key = m.astre_row_key
          WHERE a.last_import_id = $1
         LIMIT ${SCOPED_RUN_LIMIT + 1}`,
        [importId],
      );
      await this.reconciliation.run(
        rows.length > SCOPED_RUN_LIMIT
          ? { kind: 'all' }
          : { kind: 'invoices', ids: rows.map((r) => Number(r.id_facture)) },
        'import',
      );
    });
    if (this.config.reconciliationCron) {
      const job = CronJob.from({
        cronTime: this.config.reconciliationCron,
        timeZone: 'Europe/Paris',
        onTick: () => {
          this.reconciliation
            .run({ kind: 'all' }, 'cron')
            .catch((error: unknown) =>
              this.logger.error(
                `daily reconciliation failed: ${error instanceof Error ? error.message : String(error)}`,
              ),
            );
        },
        start: true,
      });
      this.registry.addCronJob('reconciliation', job);
    }
  }
}
