/**
 * Time-ordered UUIDs (version 7, RFC 9562): ids sort by creation time, so `ID_DESC` lists the newest
 * runs first, keyset pagination works on the primary key, and B-tree inserts stay local.
 */
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** Random bytes from a pool refilled 4 KiB at a time (as Node's randomUUID does), read byte by byte. */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

/** Two lowercase hex digits for each byte value. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The offset in `pool` of `size` fresh random bytes (a Buffer view per id cost more than the rest of it). */
function takeRandom(size: number): number {
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += size;
  return poolOffset - size;
}

function hex(offset: number, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += HEX[pool[offset + i]!]!;
  return out;
}

export function uuid7(now: number = Date.now()): string {
  // Within one millisecond, a 12-bit counter keeps ids strictly increasing in this process.
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    const r = takeRandom(2);
    sequence = ((pool[r]! << 8) | pool[r + 1]!) & 0x7ff;
  }
  const r = takeRandom(16);
  // 48-bit milliseconds: the high 16 bits, then the low 32 (bitwise operators work on 32 bits).
  const high = Math.floor(now / 0x100000000);
  const low = now >>> 0;
  const time =
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[low >>> 24]! +
    HEX[(low >>> 16) & 0xff]! +
    '-' +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]!;
  const version = HEX[0x70 | (sequence >> 8)]! + HEX[sequence & 0xff]!;
  const variant = HEX[0x80 | (pool[r + 8]! & 0x3f)]! + HEX[pool[r + 9]!]!;
  return `${time}-${version}-${variant}-${hex(r, 10, 16)}`;
}
