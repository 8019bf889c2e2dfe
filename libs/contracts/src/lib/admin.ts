import type {
  AnomalyThresholds,
  InterestRateRow,
  RecycleCommentTemplates,
  Role,
} from '@cd31/domain';

/** Thresholds: the global values, and each budget's overrides (only the keys it overrides). */
export interface ThresholdSettingsDto {
  readonly global: AnomalyThresholds;
  readonly budgets: readonly {
    readonly budgetCode: string;
    readonly overrides: Partial<AnomalyThresholds>;
    /** What applies to the budget once overrides and global values are combined. */
    readonly effective: AnomalyThresholds;
  }[];
}

export interface UpdateThresholdsRequest {
  /** `global`, or a budget code. */
  readonly scope: string;
  /** For a budget, a null value removes the override. */
  readonly values: Partial<Record<keyof AnomalyThresholds, number | null>>;
}

export interface InterestRatesDto {
  readonly rows: readonly InterestRateRow[];
}

export interface RecycleTemplatesDto {
  readonly templates: RecycleCommentTemplates;
  readonly defaults: RecycleCommentTemplates;
}

export interface RecyclePreviewRequest {
  readonly templates: RecycleCommentTemplates;
  readonly anomalies: readonly string[];
}

export interface RecyclePreviewDto {
  readonly text: string | null;
  readonly length: number;
  readonly errors: readonly string[];
}

export interface UserDto {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly budgetCodes: readonly string[] | null;
  readonly active: boolean;
  readonly lastSignInAt: string | null;
  readonly createdAt: string;
}

export interface CreateUserRequest {
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly password: string;
  readonly budgetCodes?: readonly string[] | null;
}

export interface UpdateUserRequest {
  readonly displayName?: string;
  readonly role?: Role;
  readonly active?: boolean;
  readonly budgetCodes?: readonly string[] | null;
  readonly password?: string;
}

export interface AuditEventDto {
  readonly id: number;
  readonly at: string;
  readonly actorEmail: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly ip: string | null;
  readonly outcome: string;
}

export interface AuditPageDto {
  readonly rows: readonly AuditEventDto[];
  readonly total: number;
}
