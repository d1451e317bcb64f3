#!/usr/bin/env node
// Stand-in for Prisma's native schema-engine binary, backed by the wasm engine.
// Point the Prisma CLI at it with PRISMA_SCHEMA_ENGINE_BINARY=<absolute path of this file>.
//
//   schema-engine --version
//   schema-engine --datasource '{"url":"..."}' cli can-connect-to-database|create-database|drop-database
//   schema-engine [--datamodels <file>]... [--datasource '{"url":"...","shadowDatabaseUrl":"..."}']
//     (then JSON-RPC, one message per line, on stdin/stdout)

// stdout belongs to JSON-RPC alone, and the wasm module logs through console.log.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = console.error;

const { main } = await import('../src/stand-in.mjs');
// Exit explicitly: the CLI waits for the process to end after closing stdin.
process.exit(await main(process.argv.slice(2)));
