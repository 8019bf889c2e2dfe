import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import { ReconciliationService, type ReconciliationResult } from './reconciliation.service';

@ApiTags('reconciliation')
@Controller('reconciliation')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly audit: AuditService,
  ) {}

  /** A full reconciliation on demand (also runs daily and after each sync and import). */
  @Post('runs')
  @RequirePermission('sync:run')
  @HttpCode(200)
  async runAll(@CurrentUser() user: AuthenticatedUser): Promise<ReconciliationResult> {
    const result = await this.reconciliation.run({ kind: 'all' }, 'manual');
    await this.audit.record(auditActor(user), {
      action: 'reconciliation.run',
      targetType: 'reconciliation_run',
      targetId: String(result.runId),
      after: result,
    });
    return result;
  }
}
