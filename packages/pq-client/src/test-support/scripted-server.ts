import { encode, type PqMessage, PqStreamDecoder } from '@portico/pq-codec';
import { type Connection, type Listener, listen } from '@portico/transport';
import { bytesEqual, toHex } from '@portico/wire';

/** One step of a scripted PQ server. */
export type ScriptStep =
  /** Write a message (or raw bytes, as recorded) after `delayMs`. */
  | { send: PqMessage | Uint8Array; delayMs?: number; note?: string }
  /**
   * Wait for the client's next message and check it: 'c' and 's' replies match on their status (the simulator accepts
   * 's' wherever 'c' is, data/pq/README.md); every other message must encode to the same bytes.
   */
  | { expect: PqMessage; note?: string }
  | { wait: number }
  /** End the connection normally. */
  | { close: true }
  /** Drop the connection at once (the simulator resets a busy client). */
  | { reset: true }
  /** Wait until the client closes the connection (PQ-11). */
  | { expectClose: true };

export interface ScriptResult {
  /** Every message the client sent, in order. */
  received: PqMessage[];
  /** What did not match the script (empty when the client followed it). */
  mismatches: string[];
}

export interface ScriptedServer {
  port: number;
  /** Resolves when the script has run (and the grace period for extra client messages has passed). */
  finished: Promise<ScriptResult>;
  close(): Promise<void>;
}

function show(m: PqMessage): string {
  return 'status' in m ? `'${m.tag}' ${m.status}` : `'${m.tag}' ${toHex(encode(m))}`;
}

function matches(expected: PqMessage, got: PqMessage): boolean {
  const isReply = (m: PqMessage) => m.type === 'EncodedStatusReply' || m.type === 'ExplainedStatusReply';
  if (isReply(expected) && isReply(got))
    return 'status' in expected && 'status' in got && expected.status === got.status;
  return bytesEqual(encode(expected), encode(got));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A fake PQ server on loopback (port 0) built on transport's listener: it accepts one connection and plays `script`,
 * checking the client's messages in order. `replyTimeoutMs` bounds each wait for a client message; `graceMs` is how
 * long it keeps listening after the script for messages the client should not have sent (e.g. an answer to a frame).
 */
export async function startScriptedServer(
  script: readonly ScriptStep[],
  options: { replyTimeoutMs?: number; graceMs?: number; port?: number } = {},
): Promise<ScriptedServer> {
  const listener: Listener<PqMessage, PqMessage | Uint8Array> = await listen<PqMessage, PqMessage | Uint8Array>({
    host: '127.0.0.1',
    port: options.port ?? 0,
    decoder: () => new PqStreamDecoder(),
    encode: (m) => (m instanceof Uint8Array ? m : encode(m)),
  });
  const received: PqMessage[] = [];
  const mismatches: string[] = [];
  const run = async (conn: Connection<PqMessage, PqMessage | Uint8Array>): Promise<void> => {
    const next = async (note: string): Promise<PqMessage | undefined> => {
      try {
        const m = await conn.receive({ timeoutMs: options.replyTimeoutMs ?? 2000 });
        if (m) received.push(m);
        return m;
      } catch (e) {
        mismatches.push(`${note}: ${(e as Error).message}`);
        return undefined;
      }
    };
    for (const [i, step] of script.entries()) {
      if ('send' in step) {
        if (step.delayMs) await sleep(step.delayMs);
        if (conn.status !== 'open') {
          mismatches.push(`step ${i} (${step.note ?? 'send'}): connection already ${conn.status}`);
          return;
        }
        await conn.send(step.send);
      } else if ('expect' in step) {
        const label = `step ${i} (${step.note ?? 'expect'})`;
        const got = await next(label);
        if (!got) {
          mismatches.push(`${label}: expected ${show(step.expect)}, got end of stream`);
          return;
        }
        if (!matches(step.expect, got)) mismatches.push(`${label}: expected ${show(step.expect)}, got ${show(got)}`);
      } else if ('wait' in step) {
        await sleep(step.wait);
      } else if ('close' in step) {
        await conn.close();
        return;
      } else if ('reset' in step) {
        conn.destroy();
        return;
      } else {
        const got = await next(`step ${i} (expect close)`);
        if (got) mismatches.push(`step ${i}: expected the client to close, got ${show(got)}`);
        return;
      }
    }
    // Anything the client sends after the script (within the grace period) was not in the recording.
    try {
      const extra = await conn.receive({ timeoutMs: options.graceMs ?? 100 });
      if (extra) {
        received.push(extra);
        mismatches.push(`after the script: unexpected ${show(extra)}`);
      }
    } catch {
      // The grace period ran out with nothing more: as it should be.
    }
  };
  const finished = (async (): Promise<ScriptResult> => {
    const conn = await listener.accept();
    await run(conn);
    return { received, mismatches };
  })();
  // A test whose client never connects does not await `finished`; closing the listener then rejects the pending accept.
  // Mark the rejection handled here: whoever awaits `finished` still sees it.
  finished.catch(() => {});
  return {
    port: listener.address.port,
    finished,
    close: () => listener.close({ deadlineMs: 200 }),
  };
}
