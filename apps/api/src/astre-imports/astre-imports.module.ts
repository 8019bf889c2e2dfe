import { Module } from '@nestjs/common';
import { AstreImportsController } from './astre-imports.controller';
import { AstreImportsService } from './astre-imports.service';

@Module({
  controllers: [AstreImportsController],
  providers: [AstreImportsService],
  exports: [AstreImportsService],
})
export class AstreImportsModule {}
