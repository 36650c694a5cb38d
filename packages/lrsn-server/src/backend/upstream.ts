import { connectLrsn, type LrsnClient, type LrsnClientOptions } from '@portico/lrsn-client';
import { type PageRequest, ResultCode } from '@portico/lrsn-codec';
import type { PageOrigin, PageReporter, PagingBackend } from './backend.js';

/**
 * The upstream transmitter backend (ARCHITECTURE.md, "LRSN page"): forwards every page through one lrsn-client
 * session to a real LRSN device, so many clients share one licensed connection. Each page gets an upstream id of its
 * own (downstream ids may collide across sessions) and its statuses are relayed back; a page the upstream cannot take
 * (not logged in, reconnecting, time-out) fails with the upstream's ret or EOPFAIL.
 */
export class UpstreamTransmitter implements PagingBackend {
  readonly name = 'upstream';
  private seq = 0;

  constructor(readonly client: LrsnClient) {}

  /** Connects and logs in to the upstream device, asking for NetPage only unless told otherwise. */
  static async connect(options: LrsnClientOptions): Promise<UpstreamTransmitter> {
    return new UpstreamTransmitter(await connectLrsn({ services: ['NetPage'], ...options }));
  }

  /** Forwards the page through the shared upstream session and relays the device's statuses. */
  page(request: PageRequest, report: PageReporter, _origin: PageOrigin): void {
    const id = `u${++this.seq}`;
    const { type: _type, ...input } = request;
    this.client
      .page(
        { ...input, id },
        {
          onStatus: (s) => {
            if (s.status === 'accepted') report('accepted', s.ret);
          },
        },
      )
      .then(
        (r) => report('sent', r.ret),
        (e: unknown) => {
          const ret = (e as { ret?: unknown }).ret;
          report('failed', typeof ret === 'number' ? ret : ResultCode.EOPFAIL);
        },
      );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
