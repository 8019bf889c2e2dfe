import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** Aggregates for the managers' charts (domain.md §10). */
@Module({
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
