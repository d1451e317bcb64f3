import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext as ApolloContext } from '@apollo/server';
import { BodyTooLargeError, readBody, sendGraphQLError } from '../http.js';

/** Runs one HTTP request through Apollo Server (its own integration API) and writes the answer. */
export async function handleGraphQLRequest<C extends ApolloContext>(
  apollo: ApolloServer<C>,
  req: IncomingMessage,
  res: ServerResponse,
  context: () => Promise<C>,
  /** Rewrites the parsed body before Apollo Server reads it (the gateway's `documentId`). */
  rewrite: (body: unknown) => unknown = (body) => body,
): Promise<void> {
  let body: unknown;
  try {
    const text = await readBody(req);
    body = rewrite(text.length > 0 && isJson(req) ? JSON.parse(text) : text);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendGraphQLError(res, 413, 'BAD_REQUEST', 'Request body too large');
    return sendGraphQLError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON');
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
    context,
  });
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

function isJson(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').includes('json');
}
