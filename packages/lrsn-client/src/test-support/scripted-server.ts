import { createServer, type Server, type Socket } from 'node:net';

/** One connection to the scripted server: the lines it got, and a way to answer. */
export interface ScriptedConnection {
  socket: Socket;
  lines: string[];
  write(line: string): void;
}

/**
 * A bare LRSN stand-in for client tests: greets every connection with `greeting` and calls `onLine` for every line a
 * client sends (lrsn-server is not used here: it depends on this package).
 */
export class ScriptedServer {
  readonly connections: ScriptedConnection[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(
    greeting: string | undefined,
    onLine: (line: string, c: ScriptedConnection) => void,
  ): Promise<ScriptedServer> {
    const connections: ScriptedConnection[] = [];
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      socket.on('error', () => {});
      const c: ScriptedConnection = { socket, lines: [], write: (l) => void socket.write(`${l}\n`) };
      connections.push(c);
      if (greeting !== undefined) c.write(greeting);
      let rest = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        for (const line of parts) {
          c.lines.push(line);
          onLine(line, c);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const s = new ScriptedServer(server, address.port);
    (s as { connections: ScriptedConnection[] }).connections = connections;
    return s;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const GREETING =
  '<LRSN services="NetPage:2.0;Heartbeat:1.0;PocsagRX:1.0;KeyCallTX:1.0;LrsRX:1.0;TableMan:1.0" device="T7470" swver="8.3.0.13" serno="20384" login="none" />';

/** Answers `<Login>` with success and the named services; pages with accepted + sent (or failed for pager 666). */
export function standardScript(line: string, c: ScriptedConnection): void {
  if (line.startsWith('<Login')) {
    const services = /services="([^"]*)"/.exec(line)?.[1] ?? 'NetPage;Heartbeat;PocsagRX;KeyCallTX;LrsRX;TableMan';
    c.write(`<LoginAck ret="0" services="${services}"/>`);
    return;
  }
  const id = /\sid="([^"]*)"/.exec(line)?.[1];
  if (line.startsWith('<PageRequest') && id !== undefined) {
    c.write(`<PageRequestStatus id="${id}" status="accepted" ret="0"/>`);
    const failed = line.includes('666');
    setTimeout(
      () => c.write(`<PageRequestStatus id="${id}" status="${failed ? 'failed' : 'sent'}" ret="${failed ? 7 : 0}"/>`),
      10,
    );
  }
}
