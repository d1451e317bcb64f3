import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@p2p/kit';
import { API_SCHEMA_FILE, derivedFiles } from './lib/compose.js';

describe('files derived from the subgraphs', () => {
  it('are current: supergraph.yaml, supergraph.graphql, schema.graphql, the README error codes (`npm run compose`)', async () => {
    for (const [file, text] of await derivedFiles())
      expect(readFileSync(file, 'utf8'), relative(REPO_ROOT, file)).toBe(text);
  });

  it('keep internal operations out of the public API schema', () => {
    const api = readFileSync(API_SCHEMA_FILE, 'utf8');
    expect(api).not.toMatch(/_createUserProfile|_deleteUserProfile|CreateUserProfileInput/);
  });
});
