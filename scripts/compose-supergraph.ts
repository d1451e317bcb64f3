// Composes supergraph.yaml into supergraph.graphql and schema.graphql.
// `--check` writes nothing and exits 1 when the committed files are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { API_SCHEMA_FILE, SUPERGRAPH_FILE, composeSupergraph } from './lib/compose.js';

const composed = composeSupergraph();
const targets: [string, string][] = [
  [SUPERGRAPH_FILE, composed.supergraphSdl],
  [API_SCHEMA_FILE, composed.apiSchemaSdl],
];
if (process.argv.includes('--check')) {
  const stale = targets.filter(([file, text]) => readFileSync(file, 'utf8') !== text).map(([file]) => file);
  if (stale.length > 0) {
    console.error(`Stale: ${stale.join(', ')}. Run \`npm run compose\` and commit the result.`);
    process.exit(1);
  }
  console.log('supergraph is current');
} else {
  for (const [file, text] of targets) writeFileSync(file, text);
  console.log(`wrote ${targets.map(([f]) => f).join(', ')}`);
}
