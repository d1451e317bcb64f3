// The engine stand-in's process contract, as the Prisma CLI relies on it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabaseIfMissing } from '@p2p/prisma-engine';
import { createProject, run, STAND_IN, tempDatabase } from './helpers.js';

const db = tempDatabase('demo');
const project = createProject(db.url);
afterAll(async () => {
  project.remove();
  await db.drop();
});

/** Starts an RPC session; `request` sends one call and collects stdout lines until its reply. */
function session(args: string[]) {
  const child = spawn(STAND_IN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiters.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  async function request(id: number, method: string, params: unknown): Promise<unknown[]> {
    const start = lines.length;
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    for (;;) {
      const messages = lines.slice(start).map((line) => JSON.parse(line));
      if (messages.some((m) => m.id === id && !m.method)) return messages;
      await new Promise<void>((wake) => waiters.push(wake));
    }
  }
  return { child, request, exited };
}

describe('bin/schema-engine.mjs', () => {
  it('answers --version with the engine hash', async () => {
    const { code, stdout } = await run(STAND_IN, ['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^schema-engine-cli [0-9a-f]{40}$/);
  });

  it('reports a missing database as P1003 in the JSON log lines, then creates it', async () => {
    const datasource = JSON.stringify({ url: db.url });
    const missing = await run(STAND_IN, ['--datasource', datasource, 'cli', 'can-connect-to-database']);
    expect(missing.code).toBe(1);
    const [, error] = missing.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(error).toMatchObject({ level: 'ERROR', target: 'schema_engine::logger', fields: { error_code: 'P1003' } });

    expect((await run(STAND_IN, ['--datasource', datasource, 'cli', 'create-database'])).code).toBe(0);
    expect((await run(STAND_IN, ['--datasource', datasource, 'cli', 'can-connect-to-database'])).code).toBe(0);
  });

  it('speaks JSON-RPC only on stdout, and has the CLI print a diff', async () => {
    await createDatabaseIfMissing(db.url);
    const { child, request, exited } = session([
      '--datamodels',
      project.schemaPath,
      '--datasource',
      JSON.stringify({ url: db.url }),
    ]);
    const schema = {
      files: [
        { path: project.schemaPath, content: (await import('node:fs')).readFileSync(project.schemaPath, 'utf8') },
      ],
    };
    const messages = await request(1, 'diff', {
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', ...schema },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    // First the print request (what the native engine sends), then the reply.
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({
      method: 'print',
      params: { content: expect.stringContaining('CREATE TABLE "Widget"') },
    });
    expect(messages[1]).toEqual({ jsonrpc: '2.0', id: 1, result: { exitCode: 0 } });

    const failed = await request(2, 'noSuchMethod', {});
    expect(failed[0]).toMatchObject({
      id: 2,
      error: { data: { is_panic: false, message: expect.stringContaining('noSuchMethod') } },
    });

    child.stdin.end();
    expect(await exited).toBe(0);
  });
});
