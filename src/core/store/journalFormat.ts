// The journal's on-disk format: frames inside segment files, and a bounded-memory
// reader over one segment. journal.ts owns the policy (group commit, rotation,
// what a damaged frame means); this module only encodes, decodes and checks.
//
// Frame, little-endian:
//   prefix (12 bytes)  magic u32 'ATJL' | bodyLength u32 | crc32(body) u32
//   body   header (32) type u8 | version u8 | kindLength u16 | metaLength u32 |
//                      seq u64 | groupFirstSeq u64 | receivedAtMs f64
//          then kind (utf8), meta (JSON utf8), payload (verbatim bytes)
//
// groupFirstSeq is the seq of the first entry written by the same write+fsync;
// it lets the opener tell a torn, never-acknowledged last group from damage to
// data that was already acknowledged (see classifyDamage in journal.ts).
import fsp from 'node:fs/promises';
import zlib from 'node:zlib';

export const FRAME_MAGIC = 0x4c4a5441; // bytes 'A' 'T' 'J' 'L'
export const FRAME_PREFIX_BYTES = 12;
export const FRAME_HEADER_BYTES = 32;
export const FRAME_VERSION = 1;

/** A journaled request. */
export const FRAME_ENTRY = 1;
/** Written by a clean close: everything before it was acknowledged, so damage before it is never a torn write. */
export const FRAME_SEAL = 2;

export type FrameType = typeof FRAME_ENTRY | typeof FRAME_SEAL;

export type MetaValue = string | number | boolean;
export type EntryMeta = Readonly<Record<string, MetaValue>>;

// ---------------------------------------------------------------------------
// CRC-32 (IEEE 802.3, the zlib/PNG polynomial). zlib.crc32 exists from Node
// 20.15 / 22.2; VS Code's Electron may ship an older Node, so keep a table
// fallback that produces identical values.

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Table-driven CRC-32; `previous` continues an earlier value. */
export function crc32Portable(data: Uint8Array, previous = 0): number {
  const t = crcTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type Crc32 = (data: Uint8Array, previous?: number) => number;
const nativeCrc32 = (zlib as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 =
  typeof nativeCrc32 === 'function' ? (data, previous = 0) => nativeCrc32(data, previous) >>> 0 : crc32Portable;

// ---------------------------------------------------------------------------
// Encoding

const TWO_32 = 2 ** 32;

function writeU64(buf: Buffer, value: number, offset: number): void {
  buf.writeUInt32LE(value % TWO_32, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_32), offset + 4);
}

function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_32;
}

export interface FrameFields {
  readonly type: FrameType;
  readonly seq: number;
  readonly groupFirstSeq: number;
  readonly receivedAtMs: number;
  /** utf8 of the kind, pre-encoded by append() so validation fails before the write. */
  readonly kind: Buffer;
  /** utf8 JSON of the meta object, or empty for {}. */
  readonly meta: Buffer;
  readonly payload: Uint8Array;
}

/** Bytes a frame with these parts occupies on disk. */
export function frameBytes(kindBytes: number, metaBytes: number, payloadBytes: number): number {
  return FRAME_PREFIX_BYTES + FRAME_HEADER_BYTES + kindBytes + metaBytes + payloadBytes;
}

/**
 * Returns the frame as two buffers (prefix+header+kind+meta, then the payload
 * untouched) so a group can be written with writev without copying payloads.
 */
export function encodeFrame(f: FrameFields): [Buffer, Uint8Array] {
  const headLength = FRAME_PREFIX_BYTES + FRAME_HEADER_BYTES + f.kind.length + f.meta.length;
  const head = Buffer.allocUnsafe(headLength);
  const bodyLength = headLength - FRAME_PREFIX_BYTES + f.payload.byteLength;
  head.writeUInt32LE(FRAME_MAGIC, 0);
  head.writeUInt32LE(bodyLength, 4);
  let o = FRAME_PREFIX_BYTES;
  head.writeUInt8(f.type, o);
  head.writeUInt8(FRAME_VERSION, o + 1);
  head.writeUInt16LE(f.kind.length, o + 2);
  head.writeUInt32LE(f.meta.length, o + 4);
  writeU64(head, f.seq, o + 8);
  writeU64(head, f.groupFirstSeq, o + 16);
  head.writeDoubleLE(f.receivedAtMs, o + 24);
  o += FRAME_HEADER_BYTES;
  f.kind.copy(head, o);
  f.meta.copy(head, o + f.kind.length);
  const crc = crc32(f.payload, crc32(head.subarray(FRAME_PREFIX_BYTES)));
  head.writeUInt32LE(crc, 8);
  return [head, f.payload];
}

// ---------------------------------------------------------------------------
// Decoding

export interface DecodedFrame {
  readonly type: FrameType;
  readonly seq: number;
  readonly groupFirstSeq: number;
  readonly receivedAtMs: number;
  readonly kind: string;
  readonly meta: EntryMeta;
  /** A copy: safe to keep after the reader moves on. */
  readonly payload: Buffer;
}

/** Why the bytes at an offset are not a good frame. */
export type FrameProblem =
  | 'truncated' // the file ends inside the frame
  | 'magic' // no frame starts here
  | 'length' // the length field is impossible
  | 'checksum' // CRC mismatch
  | 'header' // CRC fine but the header makes no sense (unknown type/version, bad meta)
  | 'sequence'; // a good frame whose seq breaks the segment's order

export type ParseResult =
  | { readonly ok: true; readonly frame: DecodedFrame; readonly length: number }
  | { readonly ok: false; readonly problem: 'incomplete'; readonly needBytes: number }
  | { readonly ok: false; readonly problem: Exclude<FrameProblem, 'truncated' | 'sequence'> };

/**
 * Parses the frame starting at buf[offset], looking no further than buf[end].
 * 'incomplete' says how many bytes from `offset` are needed to decide.
 */
export function parseFrame(buf: Buffer, offset: number, end: number, maxBodyBytes: number): ParseResult {
  const available = end - offset;
  if (available < 4) return { ok: false, problem: 'incomplete', needBytes: FRAME_PREFIX_BYTES };
  if (buf.readUInt32LE(offset) !== FRAME_MAGIC) return { ok: false, problem: 'magic' };
  if (available < FRAME_PREFIX_BYTES) return { ok: false, problem: 'incomplete', needBytes: FRAME_PREFIX_BYTES };
  const bodyLength = buf.readUInt32LE(offset + 4);
  if (bodyLength < FRAME_HEADER_BYTES || bodyLength > maxBodyBytes) return { ok: false, problem: 'length' };
  const length = FRAME_PREFIX_BYTES + bodyLength;
  if (available < length) return { ok: false, problem: 'incomplete', needBytes: length };
  const bodyStart = offset + FRAME_PREFIX_BYTES;
  const body = buf.subarray(bodyStart, bodyStart + bodyLength);
  if (crc32(body) !== buf.readUInt32LE(offset + 8)) return { ok: false, problem: 'checksum' };

  const type = body.readUInt8(0);
  const version = body.readUInt8(1);
  const kindLength = body.readUInt16LE(2);
  const metaLength = body.readUInt32LE(4);
  if ((type !== FRAME_ENTRY && type !== FRAME_SEAL) || version !== FRAME_VERSION) return { ok: false, problem: 'header' };
  if (FRAME_HEADER_BYTES + kindLength + metaLength > bodyLength) return { ok: false, problem: 'header' };
  let meta: EntryMeta = {};
  const metaStart = FRAME_HEADER_BYTES + kindLength;
  if (metaLength > 0) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8', metaStart, metaStart + metaLength));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, problem: 'header' };
      meta = parsed as EntryMeta;
    } catch {
      return { ok: false, problem: 'header' };
    }
  }
  return {
    ok: true,
    length,
    frame: {
      type,
      seq: readU64(body, 8),
      groupFirstSeq: readU64(body, 16),
      receivedAtMs: body.readDoubleLE(24),
      kind: body.toString('utf8', FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + kindLength),
      meta,
      payload: Buffer.from(body.subarray(metaStart + metaLength)),
    },
  };
}

// ---------------------------------------------------------------------------
// Reading a segment with bounded memory

export interface SegmentReadOptions {
  /** Seq the first entry frame of the segment must carry (from its file name). */
  readonly firstSeq: number;
  /** Stop here (exclusive); defaults to the file's size. Lets replay ignore bytes not yet fsynced. */
  readonly endOffset?: number;
  readonly maxBodyBytes: number;
  readonly chunkBytes?: number;
}

export interface SegmentReadResult {
  /** Offset just past the last good frame. */
  readonly goodEnd: number;
  /** Seq of the last good entry, firstSeq - 1 when there is none. */
  readonly lastSeq: number;
  readonly problem: null | { readonly offset: number; readonly problem: FrameProblem };
}

const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Reads frames in order, calling onFrame for each good one (awaited, so a slow
 * consumer holds the reader back). Memory stays at one chunk, or one frame when
 * a frame is larger. Stops at the first bad frame and says where and why.
 */
export async function readSegment(
  file: string,
  options: SegmentReadOptions,
  onFrame: (frame: DecodedFrame, offset: number) => void | Promise<void>,
): Promise<SegmentReadResult> {
  const fh = await fsp.open(file, 'r');
  try {
    const size = options.endOffset ?? (await fh.stat()).size;
    let buf = Buffer.allocUnsafe(Math.min(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, Math.max(size, FRAME_PREFIX_BYTES)));
    let bufStart = 0; // file offset of buf[0]
    let bufLength = 0;
    let pos = 0;
    let expected = options.firstSeq;
    const fail = (problem: FrameProblem): SegmentReadResult => ({ goodEnd: pos, lastSeq: expected - 1, problem: { offset: pos, problem } });

    while (pos < size) {
      const parsed = parseFrame(buf, pos - bufStart, bufLength, options.maxBodyBytes);
      if (parsed.ok) {
        const f = parsed.frame;
        if (f.type === FRAME_ENTRY ? f.seq !== expected : f.seq !== expected - 1) return fail('sequence');
        await onFrame(f, pos);
        if (f.type === FRAME_ENTRY) expected++;
        pos += parsed.length;
        continue;
      }
      if (parsed.problem !== 'incomplete') return fail(parsed.problem);
      if (pos + parsed.needBytes > size) return fail('truncated');
      // Slide the unread bytes to the front, grow for an oversized frame, refill.
      const kept = bufStart + bufLength - pos;
      if (parsed.needBytes > buf.length) {
        const bigger = Buffer.allocUnsafe(parsed.needBytes);
        buf.copy(bigger, 0, pos - bufStart, pos - bufStart + kept);
        buf = bigger;
      } else {
        buf.copy(buf, 0, pos - bufStart, pos - bufStart + kept);
      }
      bufStart = pos;
      bufLength = kept;
      while (bufLength < parsed.needBytes) {
        const want = Math.min(buf.length - bufLength, size - (bufStart + bufLength));
        const { bytesRead } = await fh.read(buf, bufLength, want, bufStart + bufLength);
        if (bytesRead === 0) return fail('truncated'); // the file shrank under us
        bufLength += bytesRead;
      }
    }
    return { goodEnd: pos, lastSeq: expected - 1, problem: null };
  } finally {
    await fh.close();
  }
}

/** What lies after a damaged spot: every good frame found by scanning for the magic. */
export interface FrameSighting {
  readonly offset: number;
  readonly type: FrameType;
  readonly seq: number;
  readonly groupFirstSeq: number;
}

/**
 * Scans [from, end) of a file for good frames after a damaged one. Used only on
 * the recovery path of the last segment, whose size is bounded by rotation.
 */
export async function scanForFrames(file: string, from: number, end: number, maxBodyBytes: number): Promise<FrameSighting[]> {
  const fh = await fsp.open(file, 'r');
  try {
    const length = Math.max(0, end - from);
    const buf = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await fh.read(buf, filled, length - filled, from + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const found: FrameSighting[] = [];
    const magic = Buffer.alloc(4);
    magic.writeUInt32LE(FRAME_MAGIC, 0);
    let at = buf.indexOf(magic, 0);
    while (at !== -1 && at < filled) {
      const parsed = parseFrame(buf, at, filled, maxBodyBytes);
      if (parsed.ok) {
        const f = parsed.frame;
        found.push({ offset: from + at, type: f.type, seq: f.seq, groupFirstSeq: f.groupFirstSeq });
        at = buf.indexOf(magic, at + parsed.length);
      } else {
        at = buf.indexOf(magic, at + 1);
      }
    }
    return found;
  } finally {
    await fh.close();
  }
}
