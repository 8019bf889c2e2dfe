export type HealthStatus = 'ok' | 'error' | 'shutting_down';

export interface HealthDto {
  readonly status: HealthStatus;
  readonly info?: Record<string, { readonly status: string }>;
  readonly error?: Record<string, { readonly status: string; readonly message?: string }>;
  readonly details: Record<string, { readonly status: string }>;
}
