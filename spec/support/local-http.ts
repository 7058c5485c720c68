/**
 * A tiny local HTTP server standing in for "the outside world" between the SDK and a Rigel server:
 * each request is answered by a script (a status, a dropped connection) or forwarded to a real target.
 * Only the network is faked; Rigel's components stay real.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { forward: true }
  /** Forward, let the target commit, then drop the connection before the answer reaches the client. */
  | { forwardThenDrop: true }
  | { drop: true };

export interface SeenRequest {
  method: string;
  path: string;
}

export interface LocalServer {
  /** The base URL, e.g. `http://127.0.0.1:5123/api`. */
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

function forward(
  req: IncomingMessage,
  body: Buffer,
  target: URL,
): Promise<{ status: number; headers: object; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(
      new URL(req.url!.replace(/^\/api/, target.pathname), target),
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** Starts the server on a free port; `answer` decides each request (`target` = the API root to forward to). */
export async function startLocalServer(
  answer: (request: SeenRequest, index: number) => Answer,
  target?: string,
): Promise<LocalServer> {
  const seen: SeenRequest[] = [];
  const targetUrl = target ? new URL(target.endsWith('/') ? target.slice(0, -1) : target) : undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seenRequest = { method: req.method!, path: req.url!.replace(/^\/api/, '') };
      seen.push(seenRequest);
      const decision = answer(seenRequest, seen.length - 1);
      if ('drop' in decision) return void req.socket.destroy();
      if ('forward' in decision || 'forwardThenDrop' in decision) {
        return void forward(req, Buffer.concat(chunks), targetUrl!).then(
          (r) =>
            'forwardThenDrop' in decision
              ? req.socket.destroy()
              : res.writeHead(r.status, r.headers as Record<string, string>).end(r.body),
          () => req.socket.destroy(),
        );
      }
      const text = decision.body === undefined ? '' : JSON.stringify(decision.body);
      res.writeHead(decision.status, { 'content-type': 'application/json', ...decision.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL where nothing listens (connections are refused). */
export async function refusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/api`;
}
