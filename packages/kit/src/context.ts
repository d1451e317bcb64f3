import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';
import { Loaders } from './loaders.js';
import type { Caller, Viewer } from './internal-auth.js';
import { unauthenticated } from './errors.js';

/** What every resolver receives; a subgraph extends it with its services. */
export interface BaseContext {
  caller: Caller;
  /** The signed-in person, when the request came through the gateway with a valid access token. */
  viewer: Viewer | null;
  /** The client's address as the gateway saw it (null for service calls). */
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  loaders: Loaders;
  log: Logger;
  /** Set by `signIn`: the request signed someone in, and answers as them from here on. */
  signedIn?: Viewer;
}

export function createBaseContext(caller: Caller, log: Logger): BaseContext {
  const requestId = caller.requestId || randomUUID();
  return {
    caller,
    viewer: caller.kind === 'gateway' ? caller.viewer : null,
    ip: caller.kind === 'gateway' ? caller.ip : null,
    userAgent: caller.kind === 'gateway' ? caller.userAgent : null,
    requestId,
    loaders: new Loaders(),
    log: log.child({ requestId }),
  };
}

/** The viewer, or UNAUTHENTICATED. */
export function requireViewer(ctx: BaseContext): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/**
 * A mutation that signs someone in (register, login, a refresh) answers as them: the rest of this
 * subgraph's execution sees them as the viewer, and the gateway signs the plan's remaining
 * fetches with them (the kit's pipeline returns them in `extensions.signedIn`), so the payload's
 * own fields (`user.email`, `session.current`) are theirs to see.
 */
export function signIn(ctx: BaseContext, viewer: Viewer): void {
  ctx.viewer = viewer;
  ctx.signedIn = viewer;
}
