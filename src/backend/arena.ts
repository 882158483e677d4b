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
 * Guard zones (for the fuzzer and the memory tests) are arena-guards.ts:
 * the arena only calls them where they are set, so apps do not ship them.
 */
import { fail } from '../errors.js';
import type { Heap } from './kernels.js';

const ALIGN = 64;
/** The most a heap can hold: wasm32 addresses 2^32 bytes, and the js heap keeps to the same limit. */
const MAX_HEAP_BYTES = 2 ** 32;

/** What the arena tells guard zones (arena-guards.ts) about its blocks. */
export interface Guards {
  /** Bytes added after each block's floats for its red zone. */
  readonly extra: number;
  /** A block of `size` bytes was taken at `ptr` for `bytes` bytes of floats (zero-filled already). */
  taken(ptr: number, bytes: number, size: number): void;
  /** The block at `ptr` is being given back: throws if its red zone was written. */
  released(ptr: number): void;
}

interface Block {
  start: number;
  size: number;
}

export class Arena {
  private free: Block[] = [];
  private used = new Map<number, number>();
  private end: number; // first byte past everything handed out or free
  private view: Float32Array;
  /** Set by enableGuards() (arena-guards.ts). */
  guards: Guards | undefined;

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
    const size = align(bytes + (this.guards?.extra ?? 0));
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
    this.f32().fill(0, ptr >> 2, (ptr + size) >> 2);
    this.guards?.taken(ptr, bytes, size);
    return ptr;
  }

  private largestFree(): number {
    return this.free.reduce((m, b) => Math.max(m, b.size), 0);
  }

  /** Give a block back. Freeing 0 is a no-op; freeing twice throws. */
  release(ptr: number): void {
    if (ptr === 0) return;
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`lstm-wasm: internal error: pointer ${ptr} freed twice or never allocated`);
    this.guards?.released(ptr);
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
