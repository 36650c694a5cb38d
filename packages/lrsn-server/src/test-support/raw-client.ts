import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/**
 * A bare TCP client for tests: writes lines, reads lines (split on `\n`), knows when the server closed. `chunks`
 * records each `data` event, to check one message per write.
 */
export class RawClient {
  readonly lines: string[] = [];
  readonly chunks: string[] = [];
  ended = false;
  private waiters: (() => void)[] = [];
  private rest = '';

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.chunks.push(chunk);
      const parts = (this.rest + chunk).split('\n');
      this.rest = parts.pop()!;
      this.lines.push(...parts);
      this.wakeAll();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wakeAll();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Connects, reads the greeting and logs in; returns the client and the LoginAck line. */
  static async login(port: number, login = '<Login/>'): Promise<{ client: RawClient; ack: string }> {
    const client = await RawClient.connect(port);
    await client.line(0);
    client.send(login);
    return { client, ack: await client.line(1) };
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** The `index`-th line received (waits up to `ms`). */
  async line(index: number, ms = 5_000): Promise<string> {
    await this.until(() => this.lines.length > index, ms, `line ${index}`);
    return this.lines[index]!;
  }

  /** Waits until the server has closed the connection. */
  async closed(ms = 5_000): Promise<void> {
    await this.until(() => this.ended, ms, 'the close');
  }

  async until(ready: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; lines: ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
