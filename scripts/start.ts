// `npm start`: the whole platform on this machine — migrations, every subgraph (with its
// outbox relay and event workers), then the gateway. Ctrl-C stops everything.
// `npm start -- --separate-workers` runs each subgraph's workers as a process of their own.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createDatabaseIfMissing } from '@p2p/prisma-engine';
import { GATEWAY_PORT, REPO_ROOT, baseEnv, migrateAll, subgraphs } from '@p2p/kit';
import { DEV_MAIL_DIR, startDevMail } from './lib/dev-mail.js';
import { PreflightError, checkServices, prepareExtensionsAt } from './lib/preflight.js';

const databaseUrl = process.env.DATABASE_URL ?? baseEnv.DATABASE_URL.parse(undefined);
const redisUrl = process.env.REDIS_URL ?? baseEnv.REDIS_URL.parse(undefined);
const children: ChildProcess[] = [];

function run(name: string, entry: string, args: string[] = []): ChildProcess {
  const child = spawn(resolve(REPO_ROOT, 'node_modules/.bin/tsx'), [entry, ...args], {
    cwd: REPO_ROOT,
    env: process.env,
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the platform`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitReady(name: string, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become ready at ${url}`);
}

let stopping = false;
function stop(code: number): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 11_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  await checkServices(databaseUrl, redisUrl);
} catch (err) {
  if (err instanceof PreflightError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
await import('./prepare.js');
await createDatabaseIfMissing(databaseUrl);
const missing = await prepareExtensionsAt(databaseUrl);
if (missing.length > 0) {
  console.error(missing.join('\n'));
  process.exit(1);
}
for (const [domain, names] of Object.entries(await migrateAll())) {
  console.log(`migrations ${domain}: ${names.length === 0 ? 'up to date' : names.join(', ')}`);
}
if (!process.env.SMTP_URL) {
  const started = await startDevMail();
  console.log(
    started
      ? `mail: a development SMTP server on 127.0.0.1:1025 keeps every message in ${DEV_MAIL_DIR}`
      : 'mail: 127.0.0.1:1025 is taken; notifications send to the SMTP server there',
  );
}
const separateWorkers = process.argv.includes('--separate-workers');
for (const { name, port } of subgraphs) {
  run(name, 'scripts/subgraph.ts', separateWorkers ? [name, '--no-workers'] : [name]);
  if (separateWorkers) run(`${name} workers`, 'scripts/subgraph.ts', [name, '--workers-only']);
  await waitReady(name, `http://127.0.0.1:${process.env[`${name.toUpperCase()}_PORT`] ?? port}/ready`);
}
const gatewayPort = Number(process.env.GATEWAY_PORT ?? GATEWAY_PORT);
run('gateway', 'gateway/src/main.ts');
await waitReady('gateway', `http://127.0.0.1:${gatewayPort}/health`);
console.log(`\nP2P delivery platform is up: http://localhost:${gatewayPort}/graphql\n`);
