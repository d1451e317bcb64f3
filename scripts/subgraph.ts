// The generic runner: one subgraph process from its declaration.
//   npm run subgraph -- <name>               server and workers (what `npm start` runs)
//   npm run subgraph -- <name> --no-workers  the server alone
//   npm run worker -- <name>                 the workers alone (relay, consumers, jobs, the domain's own)
import { isSubgraphName, runSubgraph, subgraphs, type ProcessRole } from '@p2p/kit';

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--'));
const role: ProcessRole = args.includes('--workers-only')
  ? 'workers'
  : args.includes('--no-workers')
    ? 'server'
    : 'all';
if (!name || !isSubgraphName(name)) {
  console.error(
    `usage: npm run subgraph -- <${subgraphs.map((s) => s.name).join('|')}> [--no-workers | --workers-only]`,
  );
  process.exit(2);
}
await runSubgraph(name, role);
