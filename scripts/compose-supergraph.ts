// `npm run compose`: writes what is derived from the subgraphs — supergraph.yaml (Rover's
// format), supergraph.graphql, schema.graphql, and the README's table of error codes.
// `--check` writes nothing and exits 1 when a committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from '@p2p/kit';
import { derivedFiles } from './lib/compose.js';

const targets = await derivedFiles();
const name = (file: string) => relative(REPO_ROOT, file);
if (process.argv.includes('--check')) {
  const stale = targets.filter(([file, text]) => readFileSync(file, 'utf8') !== text).map(([file]) => name(file));
  if (stale.length > 0) {
    console.error(`Stale: ${stale.join(', ')}. Run \`npm run compose\` and commit the result.`);
    process.exit(1);
  }
  console.log('derived files are current');
} else {
  for (const [file, text] of targets) writeFileSync(file, text);
  console.log(`wrote ${targets.map(([file]) => name(file)).join(', ')}`);
}
