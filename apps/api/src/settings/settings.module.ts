import { Module } from '@nestjs/common';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

@Module({
  imports: [ReconciliationModule],
  controllers: [SettingsController],
  providers: [SettingsService],
})
export class SettingsModule {}
