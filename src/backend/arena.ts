/**
 * The allocator over a backend's heap: first fit over a sorted free list,
 * neighbours coalesced on free. TypeScript owns all bookkeeping; the
 * kernels only ever see pointers. Blocks are 64-byte aligned (one cache
 * line, and enough for f32x4).
 *
 * The heap grows only when no free block fits: while shapes stay the
 * same, a predict loop frees and re-takes nothing, so memory stays put.
 *
 * Sizes are checked before anything is taken: a request that could not fit
 * in the largest heap a backend can have (4 GiB, wasm32's whole address
 * space) is an out-of-memory error, not a RangeError from deep inside.
 *
 * Guard zones (for the fuzzer and the memory tests): after enableGuards(),
 * every block gets a red zone right after the floats asked for, filled
 * with a NaN pattern. checkGuards() and release() verify it, so a kernel
 * writing one float past its buffer is caught, and one reading past it
 * reads NaN, which the output checks catch.
 */
import { fail } from '../errors.js';
import type { Heap } from './kernels.js';

const ALIGN = 64;
/** The most a heap can hold: wasm32 addresses 2^32 bytes, and the js heap keeps to the same limit. */
const MAX_HEAP_BYTES = 2 ** 32;
/** Bytes of red zone after a guarded block's floats (at least; alignment may add more). */
const GUARD_BYTES = 16;
/** The red zone's fill: a quiet NaN with a recognisable payload. */
const GUARD_WORD = 0x7fc0dead;

interface Block {
  start: number;
  size: number;
}

export class Arena {
  private free: Block[] = [];
  private used = new Map<number, number>();
  private end: number; // first byte past everything handed out or free
  private view: Float32Array;
  private guards: Map<number, number> | undefined; // guarded block → byte where its red zone starts

  constructor(readonly heap: Heap) {
    this.end = align(heap.base);
    this.view = new Float32Array(heap.buffer);
  }

  /** A float view of the whole heap, re-made when the buffer changed. */
  f32(): Float32Array {
    if (this.view.buffer !== this.heap.buffer) this.view = new Float32Array(this.heap.buffer);
    return this.view;
  }

  /** Bytes of heap memory in use, free or taken (what grew). */
  get byteLength(): number {
    return this.heap.buffer.byteLength;
  }

  /** Live allocations: for leak tests. */
  get liveBlocks(): number {
    return this.used.size;
  }

  /** Allocate `floats` float32 values, zero-filled. Returns a byte pointer. */
  allocFloats(floats: number): number {
    if (!Number.isSafeInteger(floats) || floats < 0) throw new Error(`lstm-wasm: internal error: allocFloats(${floats})`);
    const bytes = Math.max(1, floats) * 4;
    const size = align(this.guards ? bytes + GUARD_BYTES : bytes);
    if (size > MAX_HEAP_BYTES - this.end && size > this.largestFree()) {
      // checked before growing: the heap could never hold it, however it grew
      fail(`out of memory: ${mib(size)} were asked for, but a heap holds at most ${mib(MAX_HEAP_BYTES)} and ${mib(this.end)} of it are in use; use smaller batches, shorter sequences or fewer units`);
    }
    let ptr = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size < size) continue;
      ptr = b.start;
      if (b.size === size) this.free.splice(i, 1);
      else { b.start += size; b.size -= size; }
      break;
    }
    if (ptr < 0) {
      ptr = this.end;
      const have = this.heap.buffer.byteLength, need = ptr + size - have;
      if (need > 0) {
        try {
          this.heap.grow(need);
        } catch (e) {
          // nothing is taken yet: the arena stays as it was and the caller can go on with smaller inputs
          fail(`out of memory: ${mib(size)} more were needed on a heap of ${mib(have)} (${(e as Error).message}); use smaller batches or shorter sequences`);
        }
      }
      this.end += size;
    }
    this.used.set(ptr, size);
    const m = this.f32();
    m.fill(0, ptr >> 2, (ptr + size) >> 2);
    if (this.guards) {
      this.guards.set(ptr, ptr + bytes);
      new Uint32Array(m.buffer).fill(GUARD_WORD, (ptr + bytes) >> 2, (ptr + size) >> 2);
    }
    return ptr;
  }

  /** Give every block allocated from now on a red zone (see the header). */
  enableGuards(): void {
    this.guards ??= new Map();
  }

  /** Throw if any guarded live block's red zone was written. */
  checkGuards(): void {
    for (const ptr of this.guards?.keys() ?? []) this.checkGuard(ptr);
  }

  private checkGuard(ptr: number): void {
    const from = this.guards?.get(ptr);
    if (from === undefined) return;
    const words = new Uint32Array(this.heap.buffer), end = ptr + this.used.get(ptr)!;
    for (let i = from >> 2; i < end >> 2; i++) {
      if (words[i] !== GUARD_WORD) throw new Error(`lstm-wasm: internal error: heap corruption: the ${from - ptr}-byte block at ${ptr} was overrun (byte ${4 * i - from} past its end was written)`);
    }
  }

  private largestFree(): number {
    return this.free.reduce((m, b) => Math.max(m, b.size), 0);
  }

  /** Give a block back. Freeing 0 is a no-op; freeing twice throws. */
  release(ptr: number): void {
    if (ptr === 0) return;
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`lstm-wasm: internal error: pointer ${ptr} freed twice or never allocated`);
    this.checkGuard(ptr);
    this.guards?.delete(ptr);
    this.used.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i].start < ptr) i++;
    this.free.splice(i, 0, { start: ptr, size });
    // coalesce with the right, then the left neighbour
    const right = this.free[i + 1];
    if (right && ptr + size === right.start) { this.free[i].size += right.size; this.free.splice(i + 1, 1); }
    const left = this.free[i - 1];
    if (left && left.start + left.size === ptr) { left.size += this.free[i].size; this.free.splice(i, 1); }
    // a free block at the top folds back into the unused tail
    const last = this.free[this.free.length - 1];
    if (last && last.start + last.size === this.end) { this.end = last.start; this.free.pop(); }
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
