import { startLocalPostgres, type LocalPostgres } from '@cd31/local-postgres';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A throw-away PostgreSQL (the product's own binaries, `fast` tuning) in a temporary folder. */
export class BenchPostgres {
  private constructor(
    private readonly server: LocalPostgres,
    private readonly workDir: string,
  ) {}

  static async start(log: (line: string) => void): Promise<BenchPostgres> {
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cd31-bench-'));
    // As root the server runs as the postgres user: it must be able to enter the folder.
    await fs.chmod(workDir, 0o755);
    try {
      const server = await startLocalPostgres({
        dataDir: path.join(workDir, 'pg'),
        port: 0,
        database: 'postgres',
        persistent: false,
        tuning: 'fast',
        // The server's ERROR lines are passed on; autovacuum giving way to our DDL is not news.
        log: (line) => {
          if (!line.includes('canceling autovacuum task')) {
            log(line);
          }
        },
      });
      return new BenchPostgres(server, workDir);
    } catch (error) {
      await fs.rm(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  get tempDir(): string {
    return this.workDir;
  }

  urlOf(database: string): string {
    const url = new URL(this.server.url);
    url.pathname = `/${database}`;
    return url.toString();
  }

  /** A new, empty database (dropped first if it exists). */
  async createDatabase(name: string): Promise<string> {
    await withClient(this.server.url, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    });
    return this.urlOf(name);
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
    } finally {
      await fs.rm(this.workDir, { recursive: true, force: true });
    }
  }
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'cd31-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function queryRows<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(url, async (client) => (await client.query(sql, params)).rows as T[]);
}

/** COPY … FROM STDIN fed from a file. */
export async function copyFile(client: Client, sql: string, file: string): Promise<void> {
  const target = client.query(copyFrom(sql));
  await pipeline(createReadStream(file), target);
}

/**
 * COPY … FROM STDIN (FORMAT csv) fed line by line with back-pressure; returns the rows written.
 * `rows` yields arrays of cells (null → NULL).
 */
export async function copyRows(
  client: Client,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly (string | number | boolean | null)[]>,
): Promise<number> {
  const stream: Writable = client.query(
    copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
  );
  const finished = once(stream, 'finish');
  let count = 0;
  let buffer = '';
  for (const row of rows) {
    buffer += `${row.map(csvCell).join(',')}\n`;
    count++;
    if (buffer.length >= 256 * 1024) {
      if (!stream.write(buffer)) {
        await once(stream, 'drain');
      }
      buffer = '';
    }
  }
  stream.end(buffer);
  await finished;
  return count;
}

function csvCell(value: string | number | boolean | null): string {
  if (value === null) {
    return '';
  }
  const text = String(value);
  return text === '' || /[",\r\n]/.test(text) || text.trim() !== text
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}
