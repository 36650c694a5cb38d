import { generateKeyPair } from 'node:crypto';
import { type NodeX25519, nodeX25519, x25519Of } from './keys.js';

/** Options of an X25519Pool. */
export interface X25519PoolOptions {
  /** Key pairs kept ready (default 64). */
  size?: number;
  /** Generations running at once on libuv's thread pool (default 2; the pool is shared with file and DNS work). */
  parallel?: number;
}

/**
 * Fresh X25519 key pairs generated ahead of use, off the event loop (node:crypto's asynchronous `generateKeyPair` runs
 * on libuv's thread pool). Every pair is handed out once, so each session still gets its own ephemeral key (smartte.md
 * B.6); only the moment of generation moves. Issue 14's thousand-handshake bench measured key generation at about
 * 35 µs of event-loop time per pair, a tenth of a SmartTE handshake's CPU on each side; from a warm pool the event
 * loop pays only the completion callback.
 *
 * `take()` never waits: with the pool empty it generates a pair synchronously, as `nodeX25519()` does. `next()` waits
 * for one generated off the event loop instead. Both top the pool up in the background; `close()` stops that.
 */
export class X25519Pool {
  private readonly ready: NodeX25519[] = [];
  private readonly size: number;
  private readonly parallel: number;
  private running = 0;
  private closed = false;
  /** The thread pool refused once (a broken build of node:crypto): every pair is made synchronously from then on. */
  private failed = false;

  constructor(options: X25519PoolOptions = {}) {
    this.size = Math.max(0, Math.floor(options.size ?? 64));
    this.parallel = Math.max(1, Math.floor(options.parallel ?? 2));
  }

  /** Pairs ready now. */
  get available(): number {
    return this.ready.length;
  }

  /** A key pair now: a ready one, or (none ready) one generated synchronously; the pool refills in the background. */
  take(): NodeX25519 {
    const pair = this.ready.pop();
    this.fill();
    return pair ?? nodeX25519();
  }

  /** A key pair: a ready one, or one generated off the event loop (synchronously if the pool is closed or failed). */
  next(): Promise<NodeX25519> {
    const pair = this.ready.pop();
    this.fill();
    if (pair !== undefined) return Promise.resolve(pair);
    if (this.closed || this.failed) return Promise.resolve(nodeX25519());
    return new Promise((resolve) => {
      generateKeyPair('x25519', undefined, (error, publicKey, privateKey) =>
        resolve(error ? nodeX25519() : x25519Of(privateKey, publicKey.export({ format: 'jwk' }).x ?? '')),
      );
    });
  }

  /** Starts generating until `size` pairs are ready or on their way (at most `parallel` at a time). */
  fill(): void {
    while (
      !this.closed &&
      !this.failed &&
      this.running < this.parallel &&
      this.ready.length + this.running < this.size
    ) {
      this.running++;
      generateKeyPair('x25519', undefined, (error, publicKey, privateKey) => {
        this.running--;
        if (error) {
          this.failed = true;
          return;
        }
        if (this.closed) return;
        this.ready.push(x25519Of(privateKey, publicKey.export({ format: 'jwk' }).x ?? ''));
        this.fill();
      });
    }
  }

  /** Stops refilling and drops the ready pairs (a generation already running finishes and is discarded). */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
  }
}
