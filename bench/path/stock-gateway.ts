// Stock @apollo/gateway in front of the platform's subgraphs, the baseline the benchmark compares
// ours with: Apollo Server's standalone HTTP server, the default RemoteGraphQLDataSource, and the
// platform's internal credential (carrying the viewer of the client's token) added in
// willSendRequest, as Apollo's documentation shows. Not part of the platform.
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { INTERNAL_HEADER, createRedis, signGatewayCredential, type Viewer } from '@p2p/kit';
import { loadGatewayConfig } from '@p2p/gateway';
import { createAccessTokenVerifier } from '../../gateway/src/access-tokens.js';
import { SUPERGRAPH_PATH } from '../../gateway/src/app.js';

interface Context {
  viewer: Viewer | null;
}

const config = loadGatewayConfig();
const verify = createAccessTokenVerifier({
  jwksUrl: config.AUTH_JWKS_URL,
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
  redis: createRedis(config.REDIS_URL),
  redisPrefix: config.REDIS_PREFIX,
});

class SignedDataSource extends RemoteGraphQLDataSource<Context> {
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>) {
    const viewer = (context as Partial<Context>).viewer ?? null;
    const credential = await signGatewayCredential(config.INTERNAL_JWT_SECRET, {
      viewer,
      ip: null,
      userAgent: null,
      requestId: '',
    });
    request.http?.headers.set(INTERNAL_HEADER, credential);
  }
}

const urls = config.subgraphUrls as Record<string, string>;
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
  buildService: ({ name, url }) => new SignedDataSource({ url: urls[name] ?? url }),
});
const server = new ApolloServer<Context>({ gateway });
await startStandaloneServer(server, {
  listen: { port: config.GATEWAY_PORT, host: '127.0.0.1' },
  context: async ({ req }) => ({ viewer: await verify(req.headers.authorization) }),
});
