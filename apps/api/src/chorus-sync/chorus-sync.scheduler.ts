import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ChorusSyncService } from './chorus-sync.service';

/** Decides when to sync (cron from configuration, and once at start); the service does the rest. */
@Injectable()
export class ChorusSyncScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ChorusSyncScheduler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sync: ChorusSyncService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.sync.enabled) {
      return;
    }
    const { syncCron, syncOnStart } = this.config.chorus;
    if (syncCron) {
      const job = CronJob.from({
        cronTime: syncCron,
        timeZone: 'Europe/Paris',
        onTick: () => void this.run('cron'),
        start: true,
      });
      this.registry.addCronJob('chorus-sync', job);
    }
    if (syncOnStart) {
      // In the background: the API answers while the first sync fills the database.
      setImmediate(() => void this.run('startup'));
    }
  }

  private async run(trigger: 'cron' | 'startup'): Promise<void> {
    try {
      const result = await this.sync.requestSync(trigger, null);
      if (!result.started) {
        this.logger.log(`sync ${result.run.id} already running: ${trigger} tick skipped`);
      }
    } catch (error) {
      this.logger.error(
        `scheduled sync failed to start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
