import {
  ANOMALY_THRESHOLD_KEYS,
  DEFAULT_RECYCLE_TEMPLATES,
  interestRateErrors,
  renderRecycleComment,
  resolveThresholds,
  thresholdErrors,
  validateRecycleTemplates,
  type AnomalyThresholds,
  type InterestRateRow,
  type RecycleCommentTemplates,
  type ThresholdOverrides,
} from '@cd31/domain';
import type {
  InterestRatesDto,
  RecyclePreviewDto,
  RecycleTemplatesDto,
  ThresholdSettingsDto,
  UpdateThresholdsRequest,
} from '@cd31/contracts';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService, type AuditActor } from '../audit/audit.service';
import { loadInterestRates } from '../reconciliation/reconciliation-settings';
import { ReconciliationService } from '../reconciliation/reconciliation.service';

/** What administrators tune: thresholds (global and per budget), interest rates, comment templates. */
@Injectable()
export class SettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async thresholds(): Promise<ThresholdSettingsDto> {
    const rows = await this.dataSource.query<{ scope: string; thresholds: ThresholdOverrides }[]>(
      `SELECT scope, thresholds FROM anomaly_threshold_setting`,
    );
    const globalOverrides = rows.find((r) => r.scope === 'global')?.thresholds ?? null;
    const budgets = await this.dataSource.query<{ code: string }[]>(
      `SELECT code FROM budget ORDER BY code`,
    );
    return {
      global: resolveThresholds(globalOverrides),
      budgets: budgets.map(({ code }) => {
        const overrides = rows.find((r) => r.scope === code)?.thresholds ?? {};
        return {
          budgetCode: code,
          overrides: overrides as Partial<AnomalyThresholds>,
          effective: resolveThresholds(globalOverrides, overrides),
        };
      }),
    };
  }

  async updateThresholds(
    request: UpdateThresholdsRequest,
    actor: AuditActor,
  ): Promise<ThresholdSettingsDto> {
    const unknown = Object.keys(request.values).filter(
      (k) => !(ANOMALY_THRESHOLD_KEYS as readonly string[]).includes(k),
    );
    if (unknown.length > 0) {
      throw new BadRequestException(`Seuil inconnu : ${unknown.join(', ')}.`);
    }
    if (request.scope !== 'global') {
      const [budget] = await this.dataSource.query<{ code: string }[]>(
        `SELECT code FROM budget WHERE code = $1`,
        [request.scope],
      );
      if (!budget) {
        throw new NotFoundException(`Le budget ${request.scope} n’existe pas.`);
      }
    }
    const present = Object.fromEntries(
      Object.entries(request.values).filter(([, v]) => v !== null),
    );
    if (request.scope === 'global' && Object.values(request.values).some((v) => v === null)) {
      throw new BadRequestException('Un seuil global ne peut pas être vide.');
    }
    const errors = thresholdErrors(present);
    if (errors.length > 0) {
      throw new BadRequestException({
        message: errors[0],
        details: errors.map((message) => ({ field: 'values', message })),
      });
    }
    await this.dataSource.transaction(async (manager) => {
      const [before] = await manager.query<{ thresholds: Record<string, number> }[]>(
        `SELECT thresholds FROM anomaly_threshold_setting WHERE scope = $1 FOR UPDATE`,
        [request.scope],
      );
      const merged: Record<string, number> = { ...(before?.thresholds ?? {}) };
      for (const [key, value] of Object.entries(request.values)) {
        if (value === null) {
          delete merged[key];
        } else {
          merged[key] = value;
        }
      }
      await manager.query(
        `INSERT INTO anomaly_threshold_setting (scope, thresholds, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (scope) DO UPDATE SET thresholds = $2, updated_at = now(), updated_by = $3`,
        [request.scope, JSON.stringify(merged), actor.id],
      );
      await this.audit.record(
        actor,
        {
          action: 'settings.thresholds',
          targetType: 'thresholds',
          targetId: request.scope,
          before: before?.thresholds ?? null,
          after: merged,
        },
        manager,
      );
    });
    // The new thresholds apply at once: every anomaly is re-evaluated.
    await this.reconciliation.run({ kind: 'all' }, 'settings');
    return this.thresholds();
  }

  async interestRates(): Promise<InterestRatesDto> {
    return { rows: await loadInterestRates(this.dataSource.manager) };
  }

  async replaceInterestRates(
    rows: readonly InterestRateRow[],
    actor: AuditActor,
  ): Promise<InterestRatesDto> {
    const errors = interestRateErrors(rows);
    if (errors.length > 0) {
      throw new BadRequestException({
        message: errors[0],
        details: errors.map((message) => ({ field: 'rows', message })),
      });
    }
    await this.dataSource.transaction(async (manager) => {
      const before = await loadInterestRates(manager);
      await manager.query(`DELETE FROM interest_rate`);
      await manager.query(
        `INSERT INTO interest_rate (half_year_start, ecb_rate, updated_by)
         SELECT d, r, $3 FROM unnest($1::date[], $2::numeric[]) AS t(d, r)`,
        [rows.map((r) => r.halfYearStart), rows.map((r) => r.ecbRate), actor.id],
      );
      await this.audit.record(
        actor,
        { action: 'settings.interest_rates', targetType: 'interest_rate', before, after: rows },
        manager,
      );
    });
    await this.reconciliation.run({ kind: 'all' }, 'settings');
    return this.interestRates();
  }

  async recycleTemplates(): Promise<RecycleTemplatesDto> {
    const [row] = await this.dataSource.query<{ value: RecycleCommentTemplates }[]>(
      `SELECT value FROM app_setting WHERE key = 'recycle_templates'`,
    );
    return {
      templates: row?.value ?? DEFAULT_RECYCLE_TEMPLATES,
      defaults: DEFAULT_RECYCLE_TEMPLATES,
    };
  }

  async updateRecycleTemplates(
    templates: RecycleCommentTemplates,
    actor: AuditActor,
  ): Promise<RecycleTemplatesDto> {
    const errors = validateRecycleTemplates(templates);
    if (errors.length > 0) {
      throw new BadRequestException({
        message: errors[0],
        details: errors.map((message) => ({ field: 'templates', message })),
      });
    }
    await this.dataSource.transaction(async (manager) => {
      const [before] = await manager.query<{ value: unknown }[]>(
        `SELECT value FROM app_setting WHERE key = 'recycle_templates' FOR UPDATE`,
      );
      await manager.query(
        `INSERT INTO app_setting (key, value, updated_by) VALUES ('recycle_templates', $1, $2)
         ON CONFLICT (key) DO UPDATE SET value = $1, updated_at = now(), updated_by = $2`,
        [JSON.stringify(templates), actor.id],
      );
      await this.audit.record(
        actor,
        {
          action: 'settings.recycle_templates',
          targetType: 'app_setting',
          targetId: 'recycle_templates',
          before: before?.value,
          after: templates,
        },
        manager,
      );
    });
    return this.recycleTemplates();
  }

  /** What the templates produce for an example invoice, without saving them. */
  previewRecycleComment(
    templates: RecycleCommentTemplates,
    anomalies: readonly string[],
  ): RecyclePreviewDto {
    const errors = validateRecycleTemplates(templates);
    if (errors.length > 0) {
      return { text: null, length: 0, errors };
    }
    const draft = renderRecycleComment(
      anomalies,
      {
        siretErrone: '22310001700423',
        siretAttendu: '22310001700225',
        budgetAttendu: 'Laboratoire Eau Air (EVA)',
        codeService: 'SERV-X',
        services: ['EVA01', 'EVA02', 'FACTURES_PUBLIQUES'],
        engagement: 'cp2025/x123456/1',
      },
      templates,
    );
    return { text: draft?.text ?? null, length: draft?.length ?? 0, errors: [] };
  }
}
