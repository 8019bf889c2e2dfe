import { Module } from '@nestjs/common';
import { AnomaliesModule } from '../anomalies/anomalies.module';
import { ChorusSyncModule } from '../chorus-sync/chorus-sync.module';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';
import { InvoicesController } from './invoices.controller';
import { InvoicesService } from './invoices.service';

@Module({
  imports: [AnomaliesModule, ChorusSyncModule, ReconciliationModule],
  controllers: [InvoicesController],
  providers: [InvoicesService],
})
export class InvoicesModule {}
