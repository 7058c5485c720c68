/**
 * Time-ordered UUIDs (version 7, RFC 9562): ids sort by creation time, so `ID_DESC` lists the newest
 * runs first, keyset pagination works on the primary key, and B-tree inserts stay local.
 */
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** Random bytes from a pool refilled 4 KiB at a time (as Node's randomUUID does); a view, used once. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBytesFromPool(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += size;
  return pool.subarray(poolOffset - size, poolOffset);
}

export function uuid7(now: number = Date.now()): string {
  const bytes = randomBytesFromPool(16);
  // Within one millisecond, a 12-bit counter keeps ids strictly increasing in this process.
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    sequence = randomBytesFromPool(2).readUInt16BE(0) & 0x7ff;
  }
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
