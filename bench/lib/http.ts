/**
 * A small JSON client over node:http with one keep-alive agent: what a real Rigel client does, with
 * as little client-side work as possible so the client does not become the bottleneck.
 */
import { Agent, request } from 'node:http';

export interface JsonResponse<T> {
  status: number;
  body: T;
}

export class JsonClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly base: string;
  /** Requests sent so far (for requests per transition). */
  requests = 0;

  constructor(apiUrl: string, maxSockets = 512) {
    const url = new URL(apiUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.base = url.pathname.replace(/\/$/, '');
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  post<T>(path: string, body: unknown): Promise<JsonResponse<T>> {
    return this.send<T>('POST', path, JSON.stringify(body));
  }

  get<T>(path: string): Promise<JsonResponse<T>> {
    return this.send<T>('GET', path, undefined);
  }

  private send<T>(method: string, path: string, payload: string | undefined): Promise<JsonResponse<T>> {
    this.requests++;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const req = request(
        { agent: this.agent, host: this.host, port: this.port, method, path: this.base + path, headers },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
            } catch (error) {
              reject(error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
