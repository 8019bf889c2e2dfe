import { type ChorusClient } from '@cd31/chorus-client';
import { Logger } from '@nestjs/common';

/** Statuses from which Chorus Pro lets a recipient send an invoice back "à recycler". */
const KNOWN_RECYCLABLE = new Set(['MISE_A_DISPOSITION', 'COMPLETEE']);
const CACHE_MS = 60 * 60_000;

/**
 * Asks Chorus Pro (recuperer/etats/traitement) which statuses an invoice may move to, cached per
 * status for an hour; when Chorus Pro cannot be reached, falls back to the documented rule.
 */
export class RecyclePolicy {
  private readonly logger = new Logger(RecyclePolicy.name);
  private readonly cache = new Map<string, { allowed: boolean; until: number }>();

  constructor(private readonly client: ChorusClient | null) {}

  async canRecycleFrom(status: string): Promise<boolean> {
    const cached = this.cache.get(status);
    if (cached && cached.until > Date.now()) {
      return cached.allowed;
    }
    if (!this.client) {
      return KNOWN_RECYCLABLE.has(status);
    }
    try {
      const targets = await this.client.getAllowedTransitions(status);
      const allowed = targets.includes('A_RECYCLER');
      this.cache.set(status, { allowed, until: Date.now() + CACHE_MS });
      return allowed;
    } catch (error) {
      this.logger.warn(
        `allowed transitions from ${status} unknown: ${error instanceof Error ? error.message : String(error)}`,
      );
      return KNOWN_RECYCLABLE.has(status);
    }
  }
}
