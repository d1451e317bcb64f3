// Command-line entry of the engine stand-in (bin/schema-engine.mjs): parses the
// arguments the Prisma CLI passes to the native engine and dispatches.
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { runCliCommand } from './cli-commands.mjs';
import { wasmEngineVersion } from './engine.mjs';
import { serveJsonRpc } from './rpc-server.mjs';

const VALUE_FLAGS = new Set([
  '--datamodels',
  '--datasource',
  '--enabled-preview-features',
  '--extension-types',
  '-d',
  '--datamodel',
]);

/** { datamodelPaths, datasource, version, cli: [subcommand] | undefined } */
export function parseArgs(argv) {
  const parsed = { datamodelPaths: [], datasource: {}, version: false, cli: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--version' || arg === '-V') parsed.version = true;
    else if (arg === 'cli') {
      parsed.cli = argv.slice(i + 1);
      break;
    } else if (VALUE_FLAGS.has(arg)) {
      const value = argv[(i += 1)];
      if (arg === '--datamodels' || arg === '-d' || arg === '--datamodel') parsed.datamodelPaths.push(value);
      if (arg === '--datasource') parsed.datasource = JSON.parse(value);
    }
    // Other flags (future CLI versions) are ignored rather than fatal.
  }
  return parsed;
}

// The engine's log lines are JSON already; the CLI reads them from stderr
// (error messages included) and shows them with DEBUG=prisma:schemaEngine*.
function logToStderr(line) {
  process.stderr.write(`${String(line).trimEnd()}\n`);
}

// P2P_SCHEMA_ENGINE_TRACE=<file> appends every JSON-RPC message to that file:
// stdin and stdout belong to the CLI, so this is the way to see the dialogue.
function tracer() {
  const file = process.env.P2P_SCHEMA_ENGINE_TRACE;
  return file ? (line) => appendFileSync(file, `${line}\n`) : undefined;
}

async function finish(code) {
  // Let stdout drain before the process goes.
  await new Promise((resolve) => process.stdout.write('', resolve));
  return code;
}

/** Runs the stand-in; resolves to the exit code. */
export async function main(argv) {
  const args = parseArgs(argv);
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${await wasmEngineVersion()}\n`);
    return finish(0);
  }
  const url = args.datasource.url;
  if (args.cli) {
    const { exitCode, stderr } = await runCliCommand(args.cli[0], url);
    if (stderr) process.stderr.write(stderr);
    return finish(exitCode);
  }
  const datamodels = args.datamodelPaths.length
    ? await Promise.all(args.datamodelPaths.map(async (file) => [file, await readFile(file, 'utf8')]))
    : undefined; // not [], which the engine reads as "a schema with no files"
  const options = {
    datamodels,
    url,
    shadowDatabaseUrl: args.datasource.shadowDatabaseUrl,
    log: logToStderr,
    trace: tracer(),
  };
  return finish(await serveJsonRpc({ input: process.stdin, output: process.stdout, options }));
}
