import { GraphQLError, type ExecutionResult } from 'graphql';
import { ErrorCode, type LiveEnvelope } from '@p2p/kit';
import type { LiveHub } from './live-hub.js';

/** Errors after which a subscription cannot go on: the viewer may no longer follow it. */
const ENDING = new Set<string>([ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.UNAUTHENTICATED]);
const MAX_QUEUED = 1_000;

interface Delivered {
  result: ExecutionResult;
  last: boolean;
}

export interface GroupSpec {
  /** Same channel, operation, variables, viewer and session: one execution serves them all. */
  key: string;
  channel: string;
  run(event: unknown): Promise<ExecutionResult>;
  stillValid(): Promise<boolean>;
}

const sessionEnded = () => new GraphQLError('The session has ended', { extensions: { code: 'UNAUTHENTICATED' } });

/**
 * The subscriptions that would compute the same results: the same operation and variables, for
 * the same viewer in the same session (a customer's phone and laptop on one delivery). Each event
 * of their channel runs once, in order, and every member gets the result: permissions are the
 * viewer's own, so nothing crosses from one viewer to another.
 */
class LiveGroup {
  readonly members = new Set<LiveEvents>();
  private chain: Promise<void> = Promise.resolve();
  unfollow: () => void = () => undefined;

  constructor(private readonly spec: GroupSpec) {}

  enqueue(envelope: LiveEnvelope): void {
    this.chain = this.chain.then(() => this.deliver(envelope)).catch(() => undefined);
  }

  private async deliver(envelope: LiveEnvelope): Promise<void> {
    if (this.members.size === 0) return;
    let delivered: Delivered;
    if (!(await this.spec.stillValid())) delivered = { result: { errors: [sessionEnded()] }, last: true };
    else {
      const result = await this.spec.run(envelope.event);
      const refused = result.errors?.some((e) => ENDING.has(String(e.extensions?.code)));
      delivered = { result, last: Boolean(envelope.complete || refused) };
    }
    for (const member of this.members) member.push(delivered);
  }
}

/** Groups by key, each following its channel while it has members. */
export class LiveGroups {
  private readonly groups = new Map<string, LiveGroup>();

  constructor(private readonly hub: LiveHub) {}

  async join(spec: GroupSpec): Promise<AsyncIterableIterator<ExecutionResult>> {
    let group = this.groups.get(spec.key);
    if (!group) {
      const created = new LiveGroup(spec);
      this.groups.set(spec.key, created);
      created.unfollow = await this.hub.follow(spec.channel, (envelope) => created.enqueue(envelope));
      group = created;
    }
    const member = new LiveEvents(() => this.leave(spec.key, group, member));
    group.members.add(member);
    return member;
  }

  /** Subscriptions sharing executions, and groups (for the benchmark and the tests). */
  get size(): { groups: number; members: number } {
    let members = 0;
    for (const g of this.groups.values()) members += g.members.size;
    return { groups: this.groups.size, members };
  }

  private leave(key: string, group: LiveGroup, member: LiveEvents): void {
    group.members.delete(member);
    if (group.members.size > 0 || this.groups.get(key) !== group) return;
    this.groups.delete(key);
    group.unfollow();
  }
}

/**
 * One subscription's results as an async iterator, written by hand rather than as an async
 * generator: `return()` (the client left, the socket closed) must end it at once, even while it
 * waits for an event, and leave its group.
 */
class LiveEvents implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: Delivered[] = [];
  private wake: (() => void) | null = null;
  private done = false;
  private last = false;

  constructor(private readonly onFinish: () => void) {}

  push(delivered: Delivered): void {
    if (this.queue.length >= MAX_QUEUED) this.queue.shift(); // a stalled client loses its oldest updates
    this.queue.push(delivered);
    this.wake?.();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    while (!this.done && !this.last && this.queue.length === 0)
      await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    if (this.done || this.last) return this.finish();
    const { result, last } = this.queue.shift()!;
    this.last = last;
    return { done: false, value: result };
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    return Promise.resolve(this.finish());
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }

  private finish(): IteratorReturnResult<undefined> {
    if (!this.done) this.onFinish();
    this.done = true;
    this.wake?.();
    return { done: true, value: undefined };
  }
}
