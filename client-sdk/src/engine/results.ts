/**
 * Where results live: small ones inline in the COMPLETED state (no extra round trip), larger ones
 * stored by key through the API (`PUT /api/results/:key`), so every process that can reach the API —
 * a worker on another machine, a later retry — can read them.
 */
import { randomUUID } from 'node:crypto';
import type { OrchestrationClient } from '../client/types';
import { ResultNotPersistableError } from '../errors';
import { deserialize, serialize, SERIALIZER } from './serialization';

/** Serialized results up to this size are stored inline in the state. */
export const INLINE_LIMIT_BYTES = 4096;

export type ResultRef =
  | { type: 'inline'; serializer: string; value: string }
  | { type: 'reference'; serializer: string; key: string; size: number }
  | { type: 'unpersisted'; reason: string };

export function isResultRef(data: unknown): data is ResultRef {
  const type = (data as { type?: unknown } | null)?.type;
  return type === 'inline' || type === 'reference' || type === 'unpersisted';
}

/**
 * Persists `value`. With `persist` unset, a value that cannot be serialized is recorded as
 * unpersisted (the caller logs why); with `persist: true` that is an error.
 */
export async function persistResult(
  client: OrchestrationClient,
  value: unknown,
  persist: boolean | undefined,
): Promise<ResultRef> {
  if (persist === false) return { type: 'unpersisted', reason: 'persistResult is false' };
  let text: string;
  try {
    text = serialize(value);
  } catch (error) {
    if (persist === true || !(error instanceof ResultNotPersistableError)) throw error;
    return { type: 'unpersisted', reason: error.message };
  }
  if (text.length <= INLINE_LIMIT_BYTES) return { type: 'inline', serializer: SERIALIZER, value: text };
  const key = `result:${randomUUID()}`;
  await client.putResult(key, { serializer: SERIALIZER, data: text });
  return { type: 'reference', serializer: SERIALIZER, key, size: Buffer.byteLength(text) };
}

/** Whether `loadResult` can give the value back (a result recorded as unpersisted cannot). */
export function isLoadable(data: unknown): boolean {
  return !isResultRef(data) || data.type !== 'unpersisted';
}

/** Reads a persisted result back. */
export async function loadResult(client: OrchestrationClient, data: unknown, runName: string): Promise<unknown> {
  if (data == null) return undefined;
  if (!isResultRef(data)) return data;
  if (data.type === 'inline') return deserialize(data.value);
  if (data.type === 'reference') return deserialize((await client.getResult(data.key)).data);
  throw new ResultNotPersistableError(
    `The result of "${runName}" was not persisted (${data.reason}), so it cannot be read back`,
  );
}
