/**
 * The fast lane: the routes the SDK calls for every task run (create and start a task run, one or in
 * a batch; propose a state for a flow run or a task run) answered on `node:http` directly, before
 * Express. They are most of a busy server's requests, and Express's router, body parser and response
 * helpers cost more CPU per request than the orchestration and the database write together.
 *
 * The lane takes only the plain case — POST to the exact path, `Content-Type: application/json` in
 * UTF-8, no content encoding, a `Content-Length` within the body limit, no query string, no
 * percent-encoded path — and hands everything else to Express, whose answer it must then equal: the
 * same guards (one shared rate-limit window and API key check), the same route declaration (params
 * and body validated by the same DTOs, the same handler), the same JSON nesting bound and the same
 * error bodies. A body that is not valid JSON is a 400 naming the body, as Express answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorAnswer } from './errors';
import type { RequestGuards } from './middleware';
import { answerRoute, sendWriteResult, type AnyRoute } from './route';
import { assertJsonDepth } from './validation';

/** `application/json`, optionally with a UTF-8 charset: what the SDK and most clients send. */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

interface Lane {
  route: AnyRoute;
  /** Matches the whole request path (under /api); one group per path parameter. */
  pattern: RegExp;
  paramNames: string[];
}

function laneOf(route: AnyRoute): Lane {
  const paramNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^/api${source}$`), paramNames };
}

/** Answers a request in the lane when it can (true), or leaves it untouched for Express (false). */
export type FastLane = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createFastLane(
  routes: readonly AnyRoute[],
  guards: RequestGuards,
  bodyLimitBytes: number,
  log: (message: string, error: unknown) => void,
): FastLane {
  const lanes = routes.filter((route) => route.method === 'post').map(laneOf);
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'POST' || !url || !url.startsWith('/api/') || url.includes('?') || url.includes('%')) {
      return false;
    }
    const headers = req.headers;
    const contentType = headers['content-type'];
    if (contentType === undefined || !PLAIN_JSON.test(contentType)) return false;
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    const length = Number(headers['content-length']);
    if (headers['content-length'] === undefined || !Number.isSafeInteger(length) || length > bodyLimitBytes) {
      return false;
    }
    for (const lane of lanes) {
      const match = lane.pattern.exec(url);
      if (!match) continue;
      const params: Record<string, string> = {};
      lane.paramNames.forEach((name, i) => (params[name] = match[i + 1]!));
      const refusal = guards.refusal(req.socket.remoteAddress, url.slice(4), headers.authorization);
      if (refusal) sendError(res, refusal, log);
      else readBody(req, length, (body) => void answer(lane.route, params, body, res, log));
      return true;
    }
    return false;
  };
}

function readBody(req: IncomingMessage, length: number, done: (body: Buffer) => void): void {
  if (length === 0) {
    req.resume();
    req.once('end', () => done(Buffer.alloc(0)));
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  // An aborted request ends with 'error' or 'close' and no 'end': there is no one left to answer.
  req.on('error', () => undefined);
  req.once('end', () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)));
}

/** The body as express.json parses it: an empty body is `{}`, a byte-order mark is skipped. */
function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  const start = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  try {
    return JSON.parse(raw.toString('utf8', start));
  } catch (error) {
    // What the body parser reports, mapped by errors.ts to a 400 naming the body.
    throw Object.assign(new SyntaxError((error as Error).message), { type: 'entity.parse.failed' });
  }
}

async function answer(
  route: AnyRoute,
  params: Record<string, string>,
  raw: Buffer,
  res: ServerResponse,
  log: (message: string, error: unknown) => void,
): Promise<void> {
  try {
    const body = parseJson(raw);
    assertJsonDepth(body, 'body');
    const result = await answerRoute(route, { params, query: {}, body });
    if (result.body === undefined) {
      res.statusCode = result.status;
      res.end();
    } else sendWriteResult(res, result.status, result.body);
  } catch (error) {
    sendError(res, error, log);
  }
}

function sendError(res: ServerResponse, error: unknown, log: (message: string, error: unknown) => void): void {
  const { status, headers, body } = errorAnswer(error, log);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendWriteResult(res, status, body);
}
