import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPO_ROOT, loadCatalog, loadDeclaration, missingParts, subgraphPaths, subgraphs } from '@p2p/kit';
import config from '../codegen.js';

const names = subgraphs.map((s) => s.name);

describe('the list of subgraphs (packages/kit/src/topology.ts)', () => {
  it('names every folder under subgraphs/, and each folder has all its parts', () => {
    const folders = readdirSync(resolve(REPO_ROOT, 'subgraphs'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual([...names].sort());
    for (const name of names) expect(missingParts(name), name).toEqual([]);
  });

  it('gives each subgraph a port of its own', () => {
    expect(new Set(subgraphs.map((s) => s.port)).size).toBe(subgraphs.length);
  });

  it('is what each declaration says of itself', async () => {
    for (const name of names) expect((await loadDeclaration(name)).name).toBe(name);
  });

  it('is what codegen generates resolver types for', () => {
    const targets = Object.keys(config.generates).filter((t) => t.startsWith('subgraphs/'));
    expect(targets.sort()).toEqual(names.map((n) => `subgraphs/${n}/src/generated/graphql.ts`).sort());
  });

  it('is what docs/architecture.md lists as built, with the same ports', () => {
    const doc = readFileSync(resolve(REPO_ROOT, 'docs/architecture.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| (\w+) \| (\d{4}) \| .* \| (built|to come) \|$/gm)];
    const built = rows.filter((r) => r[3] === 'built').map((r) => ({ name: r[1], port: Number(r[2]) }));
    expect(built).toEqual(subgraphs.map(({ name, port }) => ({ name, port })));
  });

  it('is what supergraph.yaml routes (ports and schema files)', () => {
    const yaml = readFileSync(resolve(REPO_ROOT, 'supergraph.yaml'), 'utf8');
    for (const { name, port } of subgraphs) {
      expect(yaml).toContain(`  ${name}:\n    routing_url: http://127.0.0.1:${port}/graphql`);
      expect(yaml).toContain(`file: ./subgraphs/${name}/src/schema.graphql`);
    }
    expect(yaml.match(/routing_url/g)).toHaveLength(subgraphs.length);
  });
});

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
};

const typesOf = (s: JsonSchema) => new Set(Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** Problems that would let the publisher send something the consumer refuses. */
function incompatibilities(reader: JsonSchema, writer: JsonSchema, at: string): string[] {
  const problems: string[] = [];
  const readerTypes = typesOf(reader);
  const reads = (t: string) => readerTypes.has(t) || (t === 'integer' && readerTypes.has('number'));
  for (const t of typesOf(writer)) if (readerTypes.size > 0 && !reads(t)) problems.push(`${at}: ${t} not read`);
  if (reader.format && reader.format !== writer.format) problems.push(`${at}: format ${reader.format}`);
  if (reader.pattern && reader.pattern !== writer.pattern) problems.push(`${at}: pattern ${reader.pattern}`);
  if (reader.enum && !(writer.enum ?? [null]).every((v) => reader.enum!.includes(v))) problems.push(`${at}: enum`);
  for (const key of reader.required ?? []) {
    if (!(writer.required ?? []).includes(key)) problems.push(`${at}.${key}: not always sent`);
  }
  for (const [key, field] of Object.entries(reader.properties ?? {})) {
    const sent = writer.properties?.[key];
    if (sent) problems.push(...incompatibilities(field, sent, `${at}.${key}`));
  }
  if (reader.items && writer.items) problems.push(...incompatibilities(reader.items, writer.items, `${at}[]`));
  return problems;
}

describe('events the domains declare', () => {
  it('are published by exactly one domain each', async () => {
    const { events } = await loadCatalog();
    const publishers = new Map<string, string[]>();
    for (const [domain, e] of Object.entries(events)) {
      for (const topic of Object.keys(e.publishes)) publishers.set(topic, [...(publishers.get(topic) ?? []), domain]);
    }
    for (const [topic, by] of publishers) expect(by, topic).toHaveLength(1);
  });

  it('are consumed only as published: what a consumer requires, its publisher always sends, in a form it reads', async () => {
    const { events } = await loadCatalog();
    const published = Object.fromEntries(Object.values(events).flatMap((e) => Object.entries(e.publishes)));
    for (const [domain, e] of Object.entries(events)) {
      for (const [topic, reader] of Object.entries(e.consumes)) {
        const writer = published[topic];
        expect(writer, `${domain} consumes ${topic}, which nobody publishes`).toBeDefined();
        const problems = incompatibilities(
          z.toJSONSchema(reader) as JsonSchema,
          z.toJSONSchema(writer!) as JsonSchema,
          topic,
        );
        expect(problems, `${domain} reading ${topic}`).toEqual([]);
      }
    }
  });

  it('are the ones each subgraph README names, in and out', async () => {
    const { events } = await loadCatalog();
    const all = new Set(
      Object.values(events).flatMap((e) => [...Object.keys(e.publishes), ...Object.keys(e.consumes)]),
    );
    for (const [domain, e] of Object.entries(events)) {
      const readme = readFileSync(subgraphPaths(domain).readme, 'utf8');
      const section = readme.slice(
        readme.indexOf('## Events'),
        readme.indexOf('\n## ', readme.indexOf('## Events') + 1),
      );
      const declared = [...Object.keys(e.publishes), ...Object.keys(e.consumes)];
      for (const topic of declared) expect(section, `${domain}/README.md names ${topic}`).toContain(`\`${topic}`);
      const named = [...all].filter((t) => section.includes(`\`${t}`));
      expect(named.sort(), `${domain}/README.md names only its own topics`).toEqual(declared.sort());
    }
  });
});
