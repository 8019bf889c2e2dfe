import { Client } from 'pg';
import { sleep } from '../util';

export interface StatementProfile {
  readonly samples: number;
  readonly elapsedMs: number;
  /** Share of the samples per label, scaled to the elapsed time. */
  readonly byLabel: Readonly<Record<string, { samples: number; approxMs: number }>>;
}

export const IDLE_LABEL = 'no SQL running (API-side work, round trips)';

/**
 * A black-box profiler: polls pg_stat_activity for the API's connections (application_name
 * `cd31-chorus-monitor`) and counts which statement is running at each tick. With one
 * transaction at a time (the reconciliation), the counts split its duration by statement.
 */
export class StatementSampler {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private started = 0;
  private ended = 0;

  constructor(
    private readonly url: string,
    private readonly classify: (query: string) => string,
    private readonly intervalMs = 50,
  ) {}

  async start(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: 'cd31-bench-sampler',
    });
    await client.connect();
    this.running = true;
    this.started = performance.now();
    this.loop = this.run(client).finally(() => client.end());
  }

  private async run(client: Client): Promise<void> {
    while (this.running) {
      const result = await client.query<{ query: string }>(
        // Parallel workers show their leader's statement: counted, an index built by three
        // processes would count three times.
        `SELECT query FROM pg_stat_activity
          WHERE application_name = 'cd31-chorus-monitor' AND state = 'active' AND leader_pid IS NULL`,
      );
      this.samples++;
      const labels = result.rows.length
        ? result.rows.map((row) => this.classify(row.query))
        : [IDLE_LABEL];
      for (const label of labels) {
        this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
      }
      await sleep(this.intervalMs);
    }
  }

  async stop(): Promise<StatementProfile> {
    this.running = false;
    this.ended = performance.now();
    await this.loop;
    const elapsedMs = Math.round(this.ended - this.started);
    const byLabel: Record<string, { samples: number; approxMs: number }> = {};
    for (const [label, samples] of [...this.counts].sort((a, b) => b[1] - a[1])) {
      byLabel[label] = {
        samples,
        approxMs: this.samples ? Math.round((samples / this.samples) * elapsedMs) : 0,
      };
    }
    return { samples: this.samples, elapsedMs, byLabel };
  }
}
