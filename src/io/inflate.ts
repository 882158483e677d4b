/**
 * A plain DEFLATE decoder (RFC 1951) and its zlib wrapper (RFC 1950), for
 * zip entries and HDF5's deflate filter.
 *
 * Written for files nobody vouches for: every code-length table is checked
 * to be a valid prefix code (not over-subscribed; incomplete only where the
 * RFC allows it), every back-reference must point into what was already
 * written, and the output may never grow past the size the caller expects,
 * so a small input that claims to be small cannot inflate to gigabytes.
 */
import { fail } from '../errors.js';

/** The most DEFLATE can expand its input: 258 bytes from a 2-bit code pair, with slack. */
const MAX_RATIO = 1032;
/** The longest code any DEFLATE Huffman table uses. */
const MAX_BITS = 15;

// Base lengths and extra bits of length codes 257..285, and of distance codes 0..29 (RFC 1951 §3.2.5).
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which a dynamic block lists the code lengths of the code-length alphabet. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code as counts per length and symbols sorted by code (the RFC's own construction). */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

/**
 * Builds the decoding table of a canonical code from its code lengths. An over-subscribed set
 * of lengths is never a prefix code; an incomplete one is allowed only for the fixed distance code
 * (30 codes of 5 bits) and a dynamic distance code of at most one code, which RFC 1951 permits, since a decoder that meets an
 * unassigned code must stop rather than guess.
 */
function buildHuffman(lengths: ArrayLike<number>, what: string, allowIncomplete: 'never' | 'single' | 'always'): Huffman {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]]++;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = left * 2 - counts[len];
    if (left < 0) fail(`inflate: the ${what} code lengths are over-subscribed (corrupt data)`);
  }
  const used = lengths.length - Array.prototype.filter.call(lengths, (l: number) => l === 0).length;
  if (left > 0 && !(allowIncomplete === 'always' || (allowIncomplete === 'single' && used <= 1))) fail(`inflate: the ${what} code lengths are incomplete (corrupt data)`);
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]]++] = s;
  return { counts, symbols };
}

/** Reads the input a bit at a time, least significant bit first, as DEFLATE packs it. */
class BitReader {
  pos = 0;
  private bitBuf = 0;
  private bitCount = 0;

  constructor(private readonly input: Uint8Array) {}

  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.input.length) fail('inflate: the compressed data ends early (truncated)');
      this.bitBuf |= this.input[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    const value = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return value;
  }

  /** Drops the bits left in the current byte (a stored block starts on a byte boundary). */
  alignToByte(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
  }

  /** Decodes one symbol bit by bit: codes are at most 15 bits, so this loop is bounded. */
  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.counts[len];
      if (code - first < count) return h.symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    fail('inflate: a code that its table does not assign (corrupt data)');
  }
}

let fixedTables: { lit: Huffman; dist: Huffman } | undefined;

/** The fixed literal/length and distance codes of block type 1 (RFC 1951 §3.2.6). */
function fixed(): { lit: Huffman; dist: Huffman } {
  if (!fixedTables) {
    const lit = new Uint8Array(288);
    lit.fill(8, 0, 144); lit.fill(9, 144, 256); lit.fill(7, 256, 280); lit.fill(8, 280, 288);
    fixedTables = { lit: buildHuffman(lit, 'fixed literal', 'never'), dist: buildHuffman(new Uint8Array(30).fill(5), 'fixed distance', 'always') };
  }
  return fixedTables;
}

/** Reads the code tables that open a dynamic block (RFC 1951 §3.2.7). */
function readDynamic(br: BitReader): { lit: Huffman; dist: Huffman } {
  const nlen = br.bits(5) + 257;
  const ndist = br.bits(5) + 1;
  const ncode = br.bits(4) + 4;
  if (nlen > 286 || ndist > 30) fail(`inflate: a dynamic block declares ${nlen} length and ${ndist} distance codes (at most 286 and 30; corrupt data)`);
  const codeLengths = new Uint8Array(19);
  for (let i = 0; i < ncode; i++) codeLengths[CODE_LENGTH_ORDER[i]] = br.bits(3);
  const lencode = buildHuffman(codeLengths, 'code-length', 'never');
  const lengths = new Uint8Array(nlen + ndist);
  let i = 0;
  while (i < nlen + ndist) {
    const sym = br.decode(lencode);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) fail('inflate: a dynamic block repeats a code length before any was given (corrupt data)');
      value = lengths[i - 1];
      repeat = 3 + br.bits(2);
    } else if (sym === 17) {
      repeat = 3 + br.bits(3);
    } else {
      repeat = 11 + br.bits(7);
    }
    if (i + repeat > nlen + ndist) fail('inflate: a dynamic block repeats code lengths past its tables (corrupt data)');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) fail('inflate: a dynamic block has no end-of-block code (corrupt data)');
  return {
    lit: buildHuffman(lengths.subarray(0, nlen), 'literal/length', 'never'),
    dist: buildHuffman(lengths.subarray(nlen), 'distance', 'single'),
  };
}

/**
 * Decodes raw DEFLATE data. `expectedSize` is the exact number of bytes it must produce (a zip
 * entry's declared size, an HDF5 chunk's size): producing more stops at once with an error, so
 * memory stays bounded by what the caller allowed; producing fewer is an error too.
 * Returns the output and how many input bytes the stream used.
 */
export function inflateRaw(input: Uint8Array, expectedSize: number, what: string): { output: Uint8Array; used: number } {
  // DEFLATE cannot expand more than 1032 times (a 258-byte match per bit pair at best): a larger
  // declared size is a lie, refused before its buffer is allocated
  if (!Number.isSafeInteger(expectedSize) || expectedSize < 0 || expectedSize > input.length * MAX_RATIO + 1024) {
    fail(`${what}: declares ${expectedSize} bytes from ${input.length} compressed bytes, more than DEFLATE can produce (corrupt data or a zip bomb)`);
  }
  const out = new Uint8Array(expectedSize);
  let n = 0;
  const br = new BitReader(input);
  const tooBig = (): never => fail(`${what}: inflates to more than its declared ${expectedSize} bytes (corrupt data or a zip bomb)`);
  let last = 0;
  while (!last) {
    last = br.bits(1);
    const type = br.bits(2);
    if (type === 0) {
      br.alignToByte();
      const p = br.pos;
      if (p + 4 > input.length) fail(`${what}: a stored block's header is cut off (truncated)`);
      const len = input[p] | (input[p + 1] << 8);
      const nlen = input[p + 2] | (input[p + 3] << 8);
      if ((len ^ 0xffff) !== nlen) fail(`${what}: a stored block's length ${len} does not match its complement (corrupt data)`);
      if (p + 4 + len > input.length) fail(`${what}: a stored block runs past the end of the data (truncated)`);
      if (n + len > expectedSize) tooBig();
      out.set(input.subarray(p + 4, p + 4 + len), n);
      n += len;
      br.pos = p + 4 + len;
    } else if (type === 1 || type === 2) {
      const { lit, dist } = type === 1 ? fixed() : readDynamic(br);
      for (;;) {
        const sym = br.decode(lit);
        if (sym < 256) {
          if (n >= expectedSize) tooBig();
          out[n++] = sym;
        } else if (sym === 256) {
          break;
        } else {
          const li = sym - 257;
          if (li >= 29) fail(`${what}: length code ${sym} is not defined (corrupt data)`);
          const length = LENGTH_BASE[li] + br.bits(LENGTH_EXTRA[li]);
          const di = br.decode(dist);
          if (di >= 30) fail(`${what}: distance code ${di} is not defined (corrupt data)`);
          const distance = DIST_BASE[di] + br.bits(DIST_EXTRA[di]);
          if (distance > n) fail(`${what}: a back-reference reaches ${distance} bytes back, before the start of the output (corrupt data)`);
          if (n + length > expectedSize) tooBig();
          for (let k = 0; k < length; k++, n++) out[n] = out[n - distance];
        }
      }
    } else {
      fail(`${what}: block type 3 is reserved (corrupt data)`);
    }
  }
  if (n !== expectedSize) fail(`${what}: inflates to ${n} bytes, not the declared ${expectedSize} (corrupt data)`);
  return { output: out, used: br.pos };
}

/** Adler-32, the checksum that ends a zlib stream. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    // 5552 bytes is the most that can be summed before b could overflow 2^32 (zlib's NMAX)
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Decodes a zlib stream (RFC 1950: a 2-byte header, DEFLATE data, Adler-32), as HDF5's deflate filter writes it. */
export function inflateZlib(input: Uint8Array, expectedSize: number, what: string): Uint8Array {
  if (input.length < 6) fail(`${what}: ${input.length} bytes is too short for a zlib stream (truncated)`);
  const cmf = input[0];
  const flg = input[1];
  if ((cmf & 0x0f) !== 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 !== 0) fail(`${what}: not a zlib deflate stream (bad header bytes ${cmf}, ${flg})`);
  if (flg & 0x20) fail(`${what}: the zlib stream needs a preset dictionary, which HDF5 never uses (corrupt data)`);
  const { output, used } = inflateRaw(input.subarray(2), expectedSize, what);
  const end = 2 + used;
  if (end + 4 > input.length) fail(`${what}: the zlib stream's Adler-32 checksum is cut off (truncated)`);
  const stored = ((input[end] << 24) | (input[end + 1] << 16) | (input[end + 2] << 8) | input[end + 3]) >>> 0;
  if (stored !== adler32(output)) fail(`${what}: the Adler-32 checksum does not match the data (corrupt data)`);
  return output;
}
