import { Agent, request } from 'undici';
import { summarize, type Summary } from '../stats.js';
import { cpuMs } from './processes.js';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latency: Summary;
  /** CPU milliseconds each watched process spent per request. */
  cpuPerRequest: Record<string, number>;
  /** The first answer counted as an error, for the report. */
  firstError?: string;
}

export interface LoadOptions {
  url: string;
  /** The body every request sends (a query and its variables). */
  body: string;
  /** One token per virtual client: each client is its own user. */
  tokens: string[];
  concurrency: number;
  seconds: number;
  /** Processes whose CPU is read before and after: name → pid. */
  watch: Record<string, number>;
  /** Checks an answer; a request whose answer fails it counts as an error. */
  check?: (body: { data?: unknown; errors?: unknown[] }) => boolean;
}

/**
 * Closed-loop virtual clients: each sends the next request when its answer arrives, for the
 * given time, on keep-alive connections. CPU comes from /proc, per process.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: opts.concurrency });
  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const before = Object.fromEntries(Object.entries(opts.watch).map(([n, pid]) => [n, cpuMs(pid)]));
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  // Client i sends as customers i, i + C, i + 2C…: every request is another user's dashboard.
  const client = async (i: number) => {
    for (let n = i; performance.now() < deadline; n += opts.concurrency) {
      const token = opts.tokens[n % opts.tokens.length];
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const t = performance.now();
      const response = await request(opts.url, { method: 'POST', headers, body: opts.body, dispatcher: agent });
      const body = (await response.body.json()) as { data?: unknown; errors?: unknown[] };
      samples.push(performance.now() - t);
      if (response.statusCode !== 200 || body.errors || (opts.check && !opts.check(body))) {
        errors++;
        firstError ??= `${response.statusCode} ${JSON.stringify(body).slice(0, 400)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => client(i)));
  const seconds = (performance.now() - started) / 1000;
  const cpuPerRequest = Object.fromEntries(
    Object.entries(opts.watch).map(([n, pid]) => [n, (cpuMs(pid) - before[n]!) / Math.max(1, samples.length)]),
  );
  await agent.close();
  return { requests: samples.length, errors, seconds, latency: summarize(samples), cpuPerRequest, firstError };
}
