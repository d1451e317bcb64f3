// `schema-engine cli <command>`: the one-shot subcommands the Prisma CLI runs
// before a migrate command (does the database exist? create it?). Done with
// plain `pg`; no wasm engine is needed for them.
import {
  createDatabaseIfMissing,
  dropDatabase,
  ensureSchema,
  probeDatabase,
  toPrismaConnectionError,
} from './databases.mjs';

// The CLI parses stderr from its second line on, every line as JSON, and looks
// for the schema_engine::logger ERROR entry's error_code and message.
function errorLines(code, message) {
  const first = {
    level: 'INFO',
    target: 'schema_engine::logger',
    fields: { message: 'schema-engine (wasm stand-in)' },
  };
  const error = { level: 'ERROR', target: 'schema_engine::logger', fields: { error_code: code, message } };
  return `${JSON.stringify(first)}\n${JSON.stringify(error)}`;
}

async function createDatabase(url) {
  const created = await createDatabaseIfMissing(url);
  if (!created) {
    return toPrismaConnectionError({ code: '42P04' }, url);
  }
  await ensureSchema(url);
  return undefined;
}

const COMMANDS = {
  'can-connect-to-database': probeDatabase,
  'create-database': async (url) => (await probeServer(url)) ?? createDatabase(url),
  'drop-database': async (url) => (await probeServer(url)) ?? dropDatabase(url),
};

// Creating or dropping goes through the maintenance database; report an
// unreachable server the way can-connect does rather than as a stack trace.
async function probeServer(url) {
  const failure = await probeDatabase(url);
  return failure?.code === 'P1003' ? undefined : failure;
}

/**
 * Runs one `cli` subcommand against `url`. Resolves to { exitCode, stderr }:
 * 0 on success, else 1 with the JSON error lines the CLI expects.
 */
export async function runCliCommand(command, url) {
  const run = COMMANDS[command];
  if (!run) return { exitCode: 1, stderr: errorLines('P1000', `Unknown cli command: ${command}`) };
  if (!url) return { exitCode: 1, stderr: errorLines('P1012', 'No datasource URL was given (--datasource).') };
  try {
    const failure = await run(url);
    if (failure?.code) return { exitCode: 1, stderr: errorLines(failure.code, failure.message) };
    return { exitCode: 0, stderr: '' };
  } catch (error) {
    const { code, message } = toPrismaConnectionError(error, url);
    return { exitCode: 1, stderr: errorLines(code, message) };
  }
}
