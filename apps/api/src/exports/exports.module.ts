import { Module } from '@nestjs/common';
import { AnomalyExportService } from './anomaly-export.service';
import { ExportsController } from './exports.controller';

/** CSV and XLSX exports of exactly what the anomaly list shows (domain.md §10). */
@Module({
  controllers: [ExportsController],
  providers: [AnomalyExportService],
})
export class ExportsModule {}
