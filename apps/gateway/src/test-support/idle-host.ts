import { createServer, type Socket } from 'node:net';

/**
 * A stand-in telnet host on 127.0.0.1 (port 0): it accepts every connection and keeps it open without a word, so a
 * SmartTE session bridged to it (issue 14 §4) stays listed after step 8 instead of ending with eSP0002 "host
 * unreachable", which is what a configured host with nothing listening gives now that the bridge is on.
 */
export interface IdleHost {
  readonly port: number;
  close(): Promise<void>;
}

export async function idleTelnetHost(): Promise<IdleHost> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
