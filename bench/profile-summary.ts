// Where a V8 CPU profile (node --cpu-prof) spent its time: self time by function and by package.
//   npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 30]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { table } from './stats.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' } },
});

/** `node_modules/@apollo/server/…` → `@apollo/server`; the project's own files by folder. */
function packageOf(url: string): string {
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return mod[1]!;
  const own = /\/(packages\/[^/]+|subgraphs\/[^/]+|gateway|bench|scripts)\//.exec(url);
  if (own) return own[1]!;
  return url.startsWith('node:') ? 'node' : url === '' ? '(V8: GC, native, idle)' : url;
}

function summarize(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === '(idle)') continue;
    total += us;
    const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/^.*node_modules\//, '')}:${callFrame.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    pkg.set(packageOf(callFrame.url), (pkg.get(packageOf(callFrame.url)) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k.slice(0, 110), (us / 1000).toFixed(0), ((100 * us) / total).toFixed(1)]);
  return [
    `${file}: ${(total / 1000).toFixed(0)} ms busy`,
    table(['package', 'ms', '%'], rows(pkg)),
    '',
    table(['function', 'ms', '%'], rows(fn)),
  ].join('\n');
}

for (const file of positionals) console.log(`${summarize(file, Number(values.top))}\n`);
