import 'reflect-metadata';
import { LocalPostgresError } from '@cd31/local-postgres';
import { ConfigError, loadConfig } from './config/app-config';
import { selectDatabase } from './database/database-selection';
import { migrate, resetDatabase, revertLast } from './database/migrate';

/**
 * Operator commands, run through npm scripts: `npm run db:migrate`, `db:migrate:revert`, `db:reset`.
 * They use the same database selection as the application (DATABASE_URL or the embedded server).
 */
const COMMANDS: Record<string, (url: string) => Promise<string>> = {
  'db:migrate': async (url) => {
    const applied = await migrate(url);
    return applied.length ? `applied: ${applied.join(', ')}` : 'schema already up to date';
  },
  'db:migrate:revert': async (url) => {
    const reverted = await revertLast(url);
    return reverted ? `reverted: ${reverted}` : 'no migration to revert';
  },
  'db:reset': async (url) => {
    const applied = await resetDatabase(url);
    return `database emptied and migrated: ${applied.join(', ')}`;
  },
};

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(`usage: cli <${Object.keys(COMMANDS).join(' | ')}>`);
    process.exit(2);
  }
  const config = loadConfig(process.env);
  const database = await selectDatabase(config.database, (line) => console.log(line));
  try {
    console.log(await run(database.url));
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof LocalPostgresError;
  console.error(
    known || !(error instanceof Error)
      ? String(error instanceof Error ? error.message : error)
      : error.stack,
  );
  process.exit(1);
});
