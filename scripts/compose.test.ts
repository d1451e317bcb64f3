import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_SCHEMA_FILE, SUPERGRAPH_FILE, composeSupergraph } from './lib/compose.js';

describe('supergraph', () => {
  it('composes, and the committed supergraph.graphql and schema.graphql are current (run `npm run compose`)', () => {
    const composed = composeSupergraph();
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(composed.supergraphSdl);
    expect(readFileSync(API_SCHEMA_FILE, 'utf8')).toBe(composed.apiSchemaSdl);
  });

  it('keeps internal operations out of the public API schema', () => {
    const api = readFileSync(API_SCHEMA_FILE, 'utf8');
    expect(api).not.toMatch(/_createUserProfile|_deleteUserProfile|CreateUserProfileInput/);
  });
});
