import { Module } from '@nestjs/common';
import { AstreImportsController } from './astre-imports.controller';
import { AstreImportsService } from './astre-imports.service';
import { DemoImport } from './demo-import';

@Module({
  controllers: [AstreImportsController],
  providers: [AstreImportsService, DemoImport],
  exports: [AstreImportsService],
})
export class AstreImportsModule {}
