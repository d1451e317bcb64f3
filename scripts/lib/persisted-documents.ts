import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { print, type DocumentNode } from 'graphql';
import { REPO_ROOT } from '@p2p/kit';

export const PERSISTED_DOCUMENTS_PATH = `${REPO_ROOT}/packages/sdk/src/generated/persisted-documents.json`;

/**
 * The SDK's persisted-document manifest: every operation the SDK carries, keyed by
 * `sha256:<hex of the document text the SDK sends>` (the GraphQL-over-HTTP `documentId`, and the
 * hash automatic persisted queries use). The gateway loads it; in production it runs these only
 * (partners excepted). Written after codegen, like the documents themselves.
 */
export async function writePersistedDocuments(): Promise<number> {
  const generated = pathToFileURL(`${REPO_ROOT}/packages/sdk/src/generated/graphql.ts`).href;
  const sdk = (await import(generated)) as Record<string, unknown>;
  const manifest: Record<string, string> = {};
  for (const [name, value] of Object.entries(sdk)) {
    if (!name.endsWith('Document')) continue;
    const text = print(value as DocumentNode);
    manifest[`sha256:${createHash('sha256').update(text).digest('hex')}`] = text;
  }
  writeFileSync(PERSISTED_DOCUMENTS_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
  return Object.keys(manifest).length;
}
