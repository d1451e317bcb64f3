// The driver adapter the wasm schema engine talks to: @prisma/adapter-pg with
// three corrections the engine needs on a real PostgreSQL server.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { copyExtensions, createDatabaseIfMissing, dropDatabase, ensureSchema } from './databases.mjs';
import { schemaOf, toPgConnectionString, withDatabase } from './pg-url.mjs';

const CHAR_OID = 18; // PostgreSQL's internal one-byte "char" (pg_class.relkind, ...)
const TEXT_OID = 25;

function charFieldsAsText(result) {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of one?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/**
 * The engine's catalog queries return "char" columns, which adapter-pg 7.10
 * refuses to map ("Column type 'char' could not be deserialized"). Relabelling
 * them as text on every result (pool queries and transaction clients alike) is
 * enough: their text form is already the one-letter value the engine expects.
 */
class CharAsTextClient extends pg.Client {
  query(config, values, callback) {
    const cb = [values, callback].find((arg) => typeof arg === 'function');
    if (cb) {
      const wrapped = (err, res) => cb(err, err ? res : charFieldsAsText(res));
      return values === cb ? super.query(config, wrapped) : super.query(config, values, wrapped);
    }
    const out = super.query(config, values);
    return typeof out?.then === 'function' ? out.then(charFieldsAsText) : out;
  }
}

/**
 * adapter-pg splits scripts on every ";", which breaks function bodies and string
 * literals, and commits statement by statement. Sending the script as one
 * simple-protocol query is what the native engine does: PostgreSQL runs it as a
 * single implicit transaction, so a failed migration leaves nothing half-applied.
 */
function sendScriptsWhole(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

async function connectPg(url, opened) {
  const factory = new PrismaPg(
    { connectionString: toPgConnectionString(url), Client: CharAsTextClient },
    { schema: schemaOf(url) ?? 'public' },
  );
  const adapter = sendScriptsWhole(await factory.connect());
  const close = adapter.dispose.bind(adapter);
  let closing;
  // The engine and our own dispose() may both close it; only the first counts.
  adapter.dispose = () => {
    closing ??= close().finally(() => opened.delete(adapter));
    return closing;
  };
  opened.add(adapter);
  return adapter;
}

/**
 * A shadow database of our own: adapter-pg's connectToShadowDb reaches the main
 * database when given a connection string, and drops the shadow database while
 * its own pool still holds connections to it. Ours also gets the main
 * database's extensions, which migrations may rely on.
 */
async function connectThrowawayShadow(url, opened) {
  const shadowUrl = withDatabase(url, `prisma_migrate_shadow_db_${randomUUID()}`);
  await createDatabaseIfMissing(shadowUrl);
  try {
    await ensureSchema(shadowUrl);
    await copyExtensions(url, shadowUrl);
  } catch (error) {
    await dropDatabase(shadowUrl);
    throw error;
  }
  const adapter = await connectPg(shadowUrl, opened);
  const close = adapter.dispose;
  let dropping;
  adapter.dispose = () => {
    dropping ??= close().finally(() => dropDatabase(shadowUrl));
    return dropping;
  };
  return adapter;
}

/**
 * A migration-aware adapter factory for `url`; `shadowDatabaseUrl`, when given,
 * is used as is (as with the native engine, it must be a database you can
 * wipe). `close()` disposes of every adapter still open, shadow databases included.
 */
export function createAdapterFactory({ url, shadowDatabaseUrl }) {
  const opened = new Set();
  const factory = {
    provider: 'postgres',
    adapterName: '@p2p/prisma-engine',
    connect: () => connectPg(url, opened),
    connectToShadowDb: async () => {
      if (!shadowDatabaseUrl) return connectThrowawayShadow(url, opened);
      await ensureSchema(shadowDatabaseUrl);
      return connectPg(shadowDatabaseUrl, opened);
    },
  };
  const close = async () => {
    await Promise.allSettled([...opened].map((adapter) => adapter.dispose()));
  };
  return { factory: bindMigrationAwareSqlAdapterFactory(factory), close };
}
