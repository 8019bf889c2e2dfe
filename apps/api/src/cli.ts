import 'reflect-metadata';
import { LocalPostgresError } from '@cd31/local-postgres';
import { ConfigError, loadConfig } from './config/app-config';
import { selectDatabase } from './database/database-selection';
import { isRole } from '@cd31/domain';
import { createInterface } from 'node:readline';
import { createDataSource } from './database/data-source';
import { migrate, resetDatabase, revertLast } from './database/migrate';
import { AppUser } from './users/user.entity';
import { UsersService } from './users/users.service';

/**
 * Operator commands, run through npm scripts: `npm run db:migrate`, `db:migrate:revert`, `db:reset`.
 * They use the same database selection as the application (DATABASE_URL or the embedded server).
 */
const COMMANDS: Record<string, (url: string, args: string[]) => Promise<string>> = {
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
  /** user:create --email a@b.fr --name "Prénom Nom" --role admin [--budgets 01,62] (password asked) */
  'user:create': async (url, args) => {
    const option = (name: string): string | undefined => {
      const index = args.indexOf(`--${name}`);
      return index >= 0 ? args[index + 1] : undefined;
    };
    const email = option('email');
    const role = option('role');
    const displayName = option('name') ?? email;
    if (!email || !displayName || !isRole(role)) {
      throw new Error(
        'usage: user:create --email <email> --role <agent|gestionnaire|admin> [--name <name>] [--budgets 01,62]',
      );
    }
    const password = process.env['CD31_NEW_USER_PASSWORD'] ?? (await askPassword());
    await migrate(url);
    const dataSource = createDataSource(url, 1);
    await dataSource.initialize();
    try {
      const users = new UsersService(dataSource.getRepository(AppUser));
      const budgets = option('budgets');
      const user = await users.create({
        email,
        displayName,
        role,
        password,
        budgetCodes: budgets ? budgets.split(',').map((code) => code.trim()) : null,
      });
      await dataSource.query(
        `INSERT INTO audit_event (actor_email, action, target_type, target_id, after) VALUES ('cli', 'user.create', 'user', $1, $2)`,
        [user.id, JSON.stringify({ email: user.email, role: user.role })],
      );
      return `user ${user.email} created with role ${user.role}`;
    } finally {
      await dataSource.destroy();
    }
  },
};

/** Reads the password from the terminal without echoing it (or one line from a pipe). */
function askPassword(): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: process.stdin.isTTY,
    });
    const output = rl as unknown as { _writeToOutput?: (text: string) => void };
    process.stdout.write('Password (12 characters or more): ');
    output._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(`usage: cli <${Object.keys(COMMANDS).join(' | ')}>`);
    process.exit(2);
  }
  const config = loadConfig(process.env);
  const database = await selectDatabase(config.database, (line) => console.log(line));
  try {
    console.log(await run(database.url, args));
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof LocalPostgresError ||
    (error instanceof Error && ('getStatus' in error || error.message.startsWith('usage:')));
  console.error(
    known || !(error instanceof Error)
      ? String(error instanceof Error ? error.message : error)
      : error.stack,
  );
  process.exit(1);
});
