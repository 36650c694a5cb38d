import { afterEach, beforeEach } from 'vitest';
import { createPqServer, type PqServer, type PqServerOptions } from '../index.js';
import { RawClient } from './raw-client.js';
import { tempWorkspace } from './sink.js';

/** What a loopback test owns: a fresh workspace, the servers it started and the raw clients it connected. */
export interface LoopbackFixture {
  /** The workspace of the running test (a new one per test). */
  readonly ws: { dir: string };
  /** Servers to close after the test, last started first (a proxy before its upstream). */
  readonly servers: PqServer[];
  /** Connects a raw client that is closed after the test. */
  connect(port: number): Promise<RawClient>;
  /** Starts a server on a free loopback port (`port: 0` unless given) that is closed after the test. */
  serve(options: PqServerOptions): Promise<PqServer>;
}

/** Registers the per-test set-up and clean-up of the loopback suites and returns their shared state. */
export function useLoopbackFixture(): LoopbackFixture {
  let ws: { dir: string; remove: () => Promise<void> } | undefined;
  const servers: PqServer[] = [];
  const clients: RawClient[] = [];
  beforeEach(async () => {
    ws = await tempWorkspace();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const s of servers.splice(0).reverse()) await s.close();
    await ws?.remove();
    ws = undefined;
  });
  return {
    get ws() {
      if (ws === undefined) throw new Error('the workspace exists only while a test runs');
      return ws;
    },
    servers,
    async connect(port) {
      const c = await RawClient.connect(port);
      clients.push(c);
      return c;
    },
    async serve(options) {
      const s = await createPqServer({ port: 0, ...options });
      servers.push(s);
      return s;
    },
  };
}
