// Hive Gateway (@graphql-hive/gateway, its runtime as its CLI serves it) in front of the platform's subgraphs, a
// second baseline for the benchmark: the same supergraph, the platform's internal credential
// (carrying the viewer of the client's token) added in its onFetch hook. Its defaults otherwise,
// batched execution included. Not part of the platform.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { INTERNAL_HEADER, createRedis, signGatewayCredential, type Viewer } from '@p2p/kit';
import { loadGatewayConfig } from '@p2p/gateway';
import { createAccessTokenVerifier } from '../../gateway/src/access-tokens.js';
import { SUPERGRAPH_PATH } from '../../gateway/src/app.js';

const config = loadGatewayConfig();
const verify = createAccessTokenVerifier({
  jwksUrl: config.AUTH_JWKS_URL,
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
  redis: createRedis(config.REDIS_URL),
  redisPrefix: config.REDIS_PREFIX,
});

// The committed supergraph routes to the default ports; the benchmark's subgraphs listen elsewhere.
let supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
for (const [name, url] of Object.entries(config.subgraphUrls as Record<string, string>)) {
  supergraph = supergraph.replace(new RegExp(`(join__graph\\(name: "${name}", url: ")[^"]+`), `$1${url}`);
}

const gateway = createGatewayRuntime<{ viewer: Viewer | null }>({
  supergraph,
  logging: 'error',
  plugins: () => [
    {
      // The viewer of the client's token, once per request, as our gateway's context has it.
      async onContextBuilding({
        context,
        extendContext,
      }: {
        context: Record<string, unknown>;
        extendContext: (extension: Record<string, unknown>) => void;
      }) {
        const { request } = context as unknown as { request: Request };
        extendContext({ viewer: await verify(request.headers.get('authorization') ?? undefined) });
      },
      async onFetch({ context, options, setOptions }) {
        const viewer = (context as { viewer?: Viewer | null }).viewer ?? null;
        const credential = await signGatewayCredential(config.INTERNAL_JWT_SECRET, {
          viewer,
          ip: null,
          userAgent: null,
          requestId: '',
        });
        setOptions({
          ...options,
          headers: { ...(options.headers as Record<string, string>), [INTERNAL_HEADER]: credential },
        });
      },
    },
  ],
});

createServer(gateway).listen(config.GATEWAY_PORT, '127.0.0.1');
