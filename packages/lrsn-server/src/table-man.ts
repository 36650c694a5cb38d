import type { TableUpdate, TableUpdateAck } from '@portico/lrsn-codec';

/** The answer that counted for a TableUpdate: the first TableUpdateAck (lrsn.md §7), and which session sent it. */
export interface TableAckResult {
  id: string;
  ret: number;
  session: number;
  /** Subscribers the update was sent to. */
  recipients: number;
}

interface Pending {
  recipients: number;
  settle: (result: TableAckResult | undefined) => void;
}

/**
 * TableMan's rule (lrsn.md §7): every subscriber should ack a `<TableUpdate>`, but "only the first ack the server
 * receives counts". Tracks updates by id; the first ack settles one, later acks (and acks for unknown ids) are
 * reported as not counted.
 */
export class TableUpdates {
  private readonly pending = new Map<string, Pending>();

  /** Starts waiting for the first ack of `update`; `settle` gets it, or undefined when `expire` is called first. */
  track(update: TableUpdate, recipients: number, settle: (result: TableAckResult | undefined) => void): void {
    this.pending.get(update.id)?.settle(undefined);
    this.pending.set(update.id, { recipients, settle });
  }

  /** An ack from `session`: true when it is the one that counts. */
  ack(ack: TableUpdateAck, session: number): boolean {
    const p = this.pending.get(ack.id);
    if (p === undefined) return false;
    this.pending.delete(ack.id);
    p.settle({ id: ack.id, ret: ack.ret, session, recipients: p.recipients });
    return true;
  }

  /** No ack came in time (or the server closes). */
  expire(id: string): void {
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.settle(undefined);
  }

  /** The server is closing: every update still waiting resolves with no ack. */
  expireAll(): void {
    for (const id of [...this.pending.keys()]) this.expire(id);
  }

  /** True while the update `id` waits for its first ack. */
  has(id: string): boolean {
    return this.pending.has(id);
  }
}
