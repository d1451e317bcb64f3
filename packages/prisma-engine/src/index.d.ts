// Types for src/index.mjs (the package is plain JavaScript so that the Prisma
// CLI can run bin/schema-engine.mjs without a TypeScript loader).
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { MigrationList, SchemaEngine };

/** A Prisma schema file: [absolute path, contents]. */
export type Datamodel = [path: string, content: string];

export interface ApplyMigrationsOptions {
  /** postgresql://… URL; `?schema=<name>` selects the PostgreSQL schema (default public). */
  url: string;
  /** Directory holding `<timestamp>_<name>/migration.sql` folders. */
  migrationsDir: string;
  /** schema.prisma file, or a folder of .prisma files. Optional. */
  schemaPath?: string;
}

/**
 * `prisma migrate deploy`: applies pending migrations in name order, recording them in
 * `_prisma_migrations` inside the URL's schema. Creates the database and the schema if
 * missing. Safe to call repeatedly; resolves to the names applied ([] when up to date).
 */
export function applyMigrations(options: ApplyMigrationsOptions): Promise<string[]>;

export interface DiffMigrationOptions {
  /** schema.prisma file, or a folder of .prisma files: the desired end state. */
  schemaPath: string;
  /** The migration history to start from (may be missing or empty). */
  migrationsDir: string;
  /** Server (and `?schema=`) to work on; its database need not exist. Left unchanged. */
  url: string;
  /** A database to replay migrations in; by default a throwaway one is created and dropped. */
  shadowDatabaseUrl?: string;
}

/**
 * The SQL taking the database described by `migrationsDir` to `schemaPath`, or '' when
 * they already match. Write it to `<migrationsDir>/<timestamp>_<name>/migration.sql`.
 */
export function diffMigration(options: DiffMigrationOptions): Promise<string>;

/** Creates the URL's database unless it exists; resolves to true if it was created. */
export function createDatabaseIfMissing(url: string): Promise<boolean>;

/** Drops the URL's database if it exists, ending its other sessions first. */
export function dropDatabase(url: string): Promise<void>;

/** Creates the PostgreSQL schema named by `?schema=` unless it exists. */
export function ensureSchema(url: string): Promise<void>;

export interface SchemaEngineOptions {
  /** Schema files, or undefined for commands without a schema (not []). */
  datamodels: Datamodel[] | undefined;
  url: string;
  shadowDatabaseUrl?: string;
  /** Receives the engine's log lines (JSON text). */
  log?: (line: string) => void;
}

export interface SchemaEngineHandle {
  engine: SchemaEngine;
  /** Frees the engine, closes its pools and drops the shadow databases it created. */
  dispose(): Promise<void>;
}

/** The wasm schema engine bound to PostgreSQL; the low-level API behind the others. */
export function createSchemaEngine(options: SchemaEngineOptions): Promise<SchemaEngineHandle>;

/** Loads and starts the WebAssembly module once per process. */
export function loadSchemaEngineWasm(): Promise<typeof SchemaEngineWasm>;

/** The engine hash the wasm module was built from. */
export function wasmEngineVersion(): Promise<string>;

/** A migrations directory in the engine's input shape (as the Prisma CLI reads it). */
export function readMigrationsList(migrationsDir: string, shadowDbInitScript?: string): Promise<MigrationList>;

/** Schema files as [path, contents]: one file, or every .prisma file under a folder. */
export function readSchemaFiles(schemaPath: string): Promise<Datamodel[]>;
