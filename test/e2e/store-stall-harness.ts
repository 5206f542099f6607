// A TCP proxy on loopback in front of the object store that can hold one upload mid-body: the store gets the
// request's headers and part of its body, the rest is kept back, so a test can kill the uploader while the upload
// is in flight. Everything else passes through unchanged (SigV4 signs the proxy's Host header, which passes as is).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface StallingStoreProxy {
  /** the endpoint clients use instead of the store's */
  endpoint: string;
  /**
   * holds every request whose first line matches, until release; resolves with the first such line once the store
   * has part of that request, so an uploader restarted meanwhile is held too
   */
  stall(requestLine: RegExp): Promise<string>;
  /** lets held connections go on and stops holding new ones */
  release(): void;
  /** answers every request whose first line matches with this raw HTTP response instead of the store, until release */
  refuse(requestLine: RegExp, response: string): void;
  close(): Promise<void>;
}

interface Held {
  client: Socket;
  upstream: Socket;
  /** the bytes kept back; undefined once released */
  kept: Buffer[] | undefined;
}

/** the index just past the header block of a request starting in this chunk, or -1 */
function headerEnd(chunk: Buffer): number {
  const at = chunk.indexOf('\r\n\r\n');
  return at < 0 ? -1 : at + 4;
}

export async function startStallingStoreProxy(storeEndpoint: string): Promise<StallingStoreProxy> {
  const target = new URL(storeEndpoint);
  let armed: { line: RegExp; reached: (line: string) => void } | undefined;
  let refusing: { line: RegExp; response: string } | undefined;
  const held = new Set<Held>();
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let hold: Held | undefined;
    client.on('data', (chunk) => {
      if (hold?.kept) return void hold.kept.push(chunk);
      if (hold) return void upstream.write(chunk);
      const firstLine = chunk.toString('latin1', 0, Math.max(0, chunk.indexOf('\r\n')));
      if (refusing?.line.test(firstLine)) return void client.end(refusing.response, () => upstream.destroy());
      const end = headerEnd(chunk);
      if (!armed || end < 0 || !armed.line.test(firstLine)) return void upstream.write(chunk);
      // half of the body that came with the headers goes on, so the store has begun the upload
      const cut = end + Math.floor((chunk.length - end) / 2);
      upstream.write(chunk.subarray(0, cut));
      hold = { client, upstream, kept: [chunk.subarray(cut)] };
      held.add(hold);
      armed.reached(firstLine);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      if (hold) held.delete(hold);
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // a killed uploader closes its side: the store sees the request cut short, as it would without the proxy
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stall(line) {
      return new Promise<string>((reached) => (armed = { line, reached }));
    },
    refuse(line, response) {
      refusing = { line, response };
    },
    release() {
      armed = undefined;
      refusing = undefined;
      for (const h of held) {
        for (const chunk of h.kept ?? []) h.upstream.write(chunk);
        h.kept = undefined;
      }
      held.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
