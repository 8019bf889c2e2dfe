import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createReadStream, existsSync } from 'node:fs';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AstreImportsService } from './astre-imports.service';
import { storeUpload } from './upload-sink';

const SYSTEM = { id: null, email: 'système', ip: null } as const;
const FILES = [
  ['astre-engagements.csv', 'engagements'],
  ['astre-factures.csv', 'factures'],
] as const;

/**
 * Simulator mode: on the first start, the simulator's generated ASTRE exports go through the same
 * import path as any upload (preview, confirmation, history), so a newcomer sees real anomalies.
 */
@Injectable()
export class DemoImport implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoImport.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly imports: AstreImportsService,
  ) {}

  onApplicationBootstrap(): void {
    const dir = this.config.chorus.simulator.astreDir;
    if (!this.config.simulatorMode || !dir) {
      return;
    }
    setImmediate(() => {
      this.importOnce(dir).catch((error: unknown) =>
        this.logger.error(
          `demo ASTRE import failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    });
  }

  private async importOnce(dir: string): Promise<void> {
    const [done] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM astre_import WHERE uploaded_by IS NULL AND status = 'confirmed'`,
    );
    if ((done?.n ?? 0) > 0) {
      return;
    }
    await this.firstSyncFinished();
    for (const [file, kind] of FILES) {
      const full = path.join(dir, file);
      if (!existsSync(full)) {
        continue;
      }
      const upload = await storeUpload(createReadStream(full), Number.MAX_SAFE_INTEGER);
      try {
        const preview = await this.imports.preview(upload, file, kind, SYSTEM);
        const confirmed = await this.imports.confirm(preview.id, 'valid-only', SYSTEM);
        this.logger.log(`demo ASTRE ${kind} imported: ${confirmed.counts.imported} rows`);
      } finally {
        await upload.remove();
      }
    }
  }

  /** The exports describe what Chorus Pro holds: import them once the first sync stored it. */
  private async firstSyncFinished(): Promise<void> {
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline) {
      const [row] = await this.dataSource.query<{ finished: number; running: number }[]>(
        `SELECT count(*) FILTER (WHERE status <> 'running')::int AS finished,
                count(*) FILTER (WHERE status = 'running')::int AS running FROM sync_run`,
      );
      if ((row?.finished ?? 0) > 0 && (row?.running ?? 0) === 0) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
