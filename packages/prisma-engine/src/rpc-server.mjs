// The JSON-RPC side of the engine stand-in: the Prisma CLI writes one request
// per line on stdin and reads one message per line from stdout. Method names
// and parameters are the wasm engine's own, so most calls are forwarded as is.
import { createInterface } from 'node:readline';
import { callEngine, createDetachedSchemaEngine, createSchemaEngine, lastPanicMessage } from './engine.mjs';
import { createDatabaseIfMissing, ensureSchema } from './databases.mjs';
import { databaseOf } from './pg-url.mjs';

// The wasm engine's methods, callable by name (and nothing else on the object).
const ENGINE_METHODS = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
  'version',
]);
// Names the CLI uses that the wasm engine spells differently or lacks.
const ALIASES = { getDatabaseVersion: 'version' };
const LOCAL = {
  createDatabase: async (options) => {
    await createDatabaseIfMissing(options.url);
    await ensureSchema(options.url);
    return { databaseName: databaseOf(options.url) };
  },
};

// Diff sources that read the live database; the others only need a server.
const LIVE_TARGETS = new Set(['url', 'schemaDatasource']);

function needsOwnDatabase(method, params) {
  if (method !== 'diff') return true;
  return [params?.from, params?.to].some((target) => LIVE_TARGETS.has(target?.tag));
}

function errorPayload(error) {
  const panic = error instanceof WebAssembly.RuntimeError ? lastPanicMessage() : undefined;
  const message = panic ?? error?.message ?? String(error);
  const data = { is_panic: Boolean(panic), message, backtrace: panic ? error.stack : undefined };
  if (error?.code) data.error_code = error.code;
  if (error?.meta) data.meta = error.meta;
  return { code: 4466, message: 'An error happened. Check the data field for details.', data };
}

/** One CLI conversation: the engines it opened, the calls in order, the exit code. */
class Session {
  engines = {}; // { main, detached }: promises of { engine, dispose }
  nextOwnId = 1_000_000; // ids for our own requests to the CLI (print)
  queue = Promise.resolve();
  exitCode = 0;
  lines = null;

  constructor(output, options) {
    this.output = output;
    this.options = options;
    this.trace = options.trace ?? (() => {});
  }

  send(message) {
    const line = JSON.stringify(message);
    this.trace(`<- ${line}`);
    this.output.write(`${line}\n`);
  }

  // `migrate diff --from-empty --to-schema` must work before the database exists,
  // as with the native engine, which connects lazily.
  engineFor(method, params) {
    if (this.engines.main || needsOwnDatabase(method, params)) {
      return (this.engines.main ??= createSchemaEngine(this.options));
    }
    return (this.engines.detached ??= createDetachedSchemaEngine(this.options));
  }

  async call(method, params) {
    if (Object.hasOwn(LOCAL, method)) return LOCAL[method](this.options);
    const name = ALIASES[method] ?? method;
    if (!ENGINE_METHODS.has(name)) {
      throw new Error(`The wasm schema engine does not support the method \`${method}\``);
    }
    const { engine: wasm } = await this.engineFor(method, params);
    const result = await callEngine(wasm, name, params);
    if (name === 'diff' && typeof result?.stdout === 'string') {
      // The native engine asks the CLI to print the diff; the wasm one returns it.
      const content = result.stdout.replace(/\n$/, '');
      this.send({ jsonrpc: '2.0', id: this.nextOwnId++, method: 'print', params: { content } });
      return { exitCode: result.exitCode };
    }
    return result;
  }

  async handle(request) {
    try {
      const result = await this.call(request.method, request.params);
      this.send({ jsonrpc: '2.0', id: request.id, result: result === undefined ? {} : result });
    } catch (error) {
      const payload = errorPayload(error);
      this.send({ jsonrpc: '2.0', id: request.id, error: payload });
      if (payload.data.is_panic) {
        // The wasm instance is unusable after a panic: stop, as the native engine does.
        this.exitCode = 101;
        this.lines.close();
      }
    }
  }

  onLine(line) {
    if (!line.trim()) return;
    this.trace(`-> ${line}`);
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      this.send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    // Lines without a method are the CLI's replies to our print requests.
    if (typeof message.method !== 'string') return;
    // One call at a time: the wasm engine is not re-entrant.
    this.queue = this.queue.then(() => (this.exitCode === 101 ? undefined : this.handle(message)));
  }

  async end() {
    await this.queue;
    const disposeAll = Object.values(this.engines).map((p) =>
      p.then(
        (e) => e.dispose(),
        () => {},
      ),
    );
    await Promise.all(disposeAll);
    return this.exitCode;
  }
}

/**
 * Serves JSON-RPC on `input`/`output` until `input` ends, then disposes of the
 * engine. `options`: { datamodels, url, shadowDatabaseUrl, log, trace? }.
 * Resolves to the process exit code (101 after a panic, like the native engine).
 */
export function serveJsonRpc({ input, output, options }) {
  const session = new Session(output, options);
  return new Promise((resolve) => {
    session.lines = createInterface({ input, crlfDelay: Infinity });
    session.lines.on('line', (line) => session.onLine(line));
    session.lines.on('close', () => session.end().then(resolve));
  });
}
