import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server for a provider fake; `hang` requests are held until `close()`. */
export interface FakeServer {
  baseUrl: string;
  close(): Promise<void>;
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>,
): Promise<FakeServer & { server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { error: String(err) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Words spread evenly over `seconds`, as a provider times them. */
export function timedWords(
  text: string,
  seconds: number,
): { word: string; start: number; end: number }[] {
  const words = text.split(/\s+/).filter(Boolean);
  const step = words.length > 0 ? seconds / words.length : 0;
  return words.map((word, i) => ({
    word,
    start: +(i * step).toFixed(3),
    end: +((i + 1) * step - 0.05).toFixed(3),
  }));
}

/** True for a RIFF/WAVE header: providers reject bodies they cannot decode. */
export function isWav(body: Buffer): boolean {
  return (
    body.length >= 12 &&
    body.toString('ascii', 0, 4) === 'RIFF' &&
    body.toString('ascii', 8, 12) === 'WAVE'
  );
}
