import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { chorusClientProvider } from './chorus-client.provider';
import { ChorusSyncController } from './chorus-sync.controller';
import { ChorusSyncScheduler } from './chorus-sync.scheduler';
import { ChorusSyncService } from './chorus-sync.service';

@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [ChorusSyncController],
  providers: [chorusClientProvider, ChorusSyncService, ChorusSyncScheduler],
  exports: [ChorusSyncService, chorusClientProvider],
})
export class ChorusSyncModule {}
