// Loads Prisma's schema engine compiled to WebAssembly and binds it to PostgreSQL.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { createAdapterFactory } from './adapter.mjs';
import { probeDatabase } from './databases.mjs';
import { adminUrlFor } from './pg-url.mjs';

const require = createRequire(import.meta.url);

// The wasm module reports a Rust panic's message here just before it throws.
const panicRegistry = {
  lastMessage: undefined,
  set_message(message) {
    this.lastMessage = `RuntimeError: ${message}`;
  },
};

let ready;
const pendingTimers = new Set();
let liveEngines = 0;

// The engine arms 10-second timers (timeouts around its database calls) and has
// no way to cancel them, so each would keep the process alive after the work is
// done. Remember them, and cancel the leftovers once no engine is alive.
function trackTimers(glue) {
  const name = Object.keys(glue).find((key) => key.startsWith('__wbg_setTimeout_'));
  if (!name) return glue;
  const arm = (callback, ms) => {
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      callback();
    }, ms >>> 0);
    pendingTimers.add(timer);
    return timer;
  };
  return { ...glue, [name]: arm };
}

function cancelLeftoverTimers() {
  if (liveEngines > 0) return;
  for (const timer of pendingTimers) clearTimeout(timer);
  pendingTimers.clear();
}

/**
 * The package's own entry imports the .wasm file as a module, which Node 20
 * refuses; so wire the generated JS glue to an instance we create ourselves.
 * Done once per process: the glue keeps the instance in module state.
 */
export function loadSchemaEngineWasm() {
  ready ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= panicRegistry;
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': trackTimers(bindings),
    });
    bindings.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return bindings;
  })();
  return ready;
}

/** The version string baked into @prisma/schema-engine-wasm. */
export async function wasmEngineVersion() {
  return (await loadSchemaEngineWasm()).version();
}

/** The last panic message the wasm module reported, if any. */
export function lastPanicMessage() {
  return globalThis.PRISMA_WASM_PANIC_REGISTRY?.lastMessage;
}

/**
 * Creates a wasm schema engine connected to `url` (a Prisma URL: `?schema=`
 * selects the PostgreSQL schema). `datamodels` are `[path, text]` pairs, or
 * undefined when the command has no schema (an empty list is not the same to
 * the engine). `log` receives the engine's log lines (JSON strings).
 * Call `dispose()` when done: it frees the engine and closes every pool,
 * dropping shadow databases this process created.
 */
export async function createSchemaEngine({ datamodels, url, shadowDatabaseUrl, log }) {
  if (!url) throw new Error('No datasource URL: set datasource.url in prisma.config.ts');
  const { SchemaEngine } = await loadSchemaEngineWasm();
  const { factory, close } = createAdapterFactory({ url, shadowDatabaseUrl });
  let engine;
  try {
    // `new` already queries the database, so a bad URL fails here.
    engine = await SchemaEngine.new({ datamodels }, log ?? (() => {}), factory);
  } catch (error) {
    await close();
    // The engine's message carries no Prisma code; the CLI shows P1001/P1003 better.
    const failure = await probeDatabase(url);
    if (failure && error && typeof error === 'object') error.code ??= failure.code;
    throw error;
  }
  liveEngines += 1;
  let disposed;
  const dispose = () => {
    disposed ??= (async () => {
      liveEngines -= 1;
      // After a panic the wasm side refuses to free; the pools still must close.
      try {
        engine.free();
      } catch {
        /* nothing left to free */
      }
      await close();
      cancelLeftoverTimers();
    })();
    return disposed;
  };
  return { engine, dispose };
}

/**
 * For work that never reads the URL's own database (diffs between migrations,
 * schema files or nothing): the engine still insists on connecting when it is
 * created, so when that database does not exist yet, connect to the server's
 * maintenance database instead (same `?schema=`, so the SQL is the same).
 */
export async function createDetachedSchemaEngine(options) {
  const missing = (await probeDatabase(options.url))?.code === 'P1003';
  const url = missing ? adminUrlFor(options.url) : options.url;
  return createSchemaEngine({ ...options, url });
}

const SHADOW_CACHE_MISS = 'shadow DB must be provided through an external factory';
const CACHED_HISTORY_METHODS = new Set(['createMigration', 'evaluateDataLoss']);

/**
 * Calls `method` on a wasm engine. createMigration and evaluateDataLoss read
 * the schema of the migration history from a cache, and on a miss the wasm
 * build cannot replay the history ("shadow DB must be provided through an
 * external factory"); diagnoseMigrationHistory fills that cache through the
 * adapter's shadow-database factory, for the migrations the database has
 * applied. `migrate dev` applies everything pending before those two calls,
 * so one diagnose and a retry is enough.
 */
export async function callEngine(engine, method, params) {
  try {
    return await engine[method](params);
  } catch (error) {
    if (!CACHED_HISTORY_METHODS.has(method) || !String(error?.message).includes(SHADOW_CACHE_MISS)) throw error;
    await engine.diagnoseMigrationHistory({
      migrationsList: params.migrationsList,
      optInToShadowDatabase: true,
      filters: params.filters,
    });
    return engine[method](params);
  }
}
