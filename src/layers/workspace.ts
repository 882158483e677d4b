/**
 * Named scratch buffers in the heap that grow to the largest size asked
 * for and are then reused: a steady predict loop with a fixed shape asks
 * for the same sizes every time and allocates nothing.
 *
 * A workspace is also how code above the kernels reads and writes floats
 * at heap pointers (any pointer of its arena, not only its own buffers):
 * pointers are bytes, views are floats, and the conversion lives here.
 */
import type { Arena } from '../backend/arena.js';
import type { Tensor } from '../tensor.js';

/** The byte pointer `floats` floats after `ptr`. */
export function plusFloats(ptr: number, floats: number): number {
  return ptr + 4 * floats;
}

export class Workspace {
  private buffers = new Map<string, { ptr: number; floats: number }>();

  constructor(private readonly arena: Arena) {}

  /** A pointer to at least `floats` floats under `name` (contents kept only while the size fits). */
  get(name: string, floats: number): number {
    const b = this.buffers.get(name);
    if (b && b.floats >= floats) return b.ptr;
    if (b) {
      this.arena.release(b.ptr);
      this.buffers.delete(name); // before allocating: if that fails, no entry may point at the freed block
    }
    const ptr = this.arena.allocFloats(floats);
    this.buffers.set(name, { ptr, floats });
    return ptr;
  }

  /** Like get, with the first `floats` floats set to zero (a gradient to accumulate into). */
  zeroed(name: string, floats: number): number {
    const ptr = this.get(name, floats);
    this.zero(ptr, floats);
    return ptr;
  }

  /** The `floats` floats at `ptr`, as a view: valid until the heap grows, so use it at once. */
  view(ptr: number, floats: number): Float32Array {
    return this.arena.f32().subarray(ptr >> 2, (ptr >> 2) + floats);
  }

  /** Copy `data` into the heap at `ptr`. */
  write(ptr: number, data: ArrayLike<number>): void {
    this.arena.f32().set(data, ptr >> 2);
  }

  zero(ptr: number, floats: number): void {
    this.arena.f32().fill(0, ptr >> 2, (ptr >> 2) + floats);
  }

  /** Copy `floats` floats from `src` to `dst` (the ranges may overlap). */
  copy(dst: number, src: number, floats: number): void {
    this.arena.f32().copyWithin(dst >> 2, src >> 2, (src >> 2) + floats);
  }

  /** A tensor of `shape` holding a copy of the floats at `ptr`. */
  read(ptr: number, shape: number[]): Tensor {
    const n = shape.reduce((a, d) => a * d, 1);
    return { shape, data: this.view(ptr, n).slice() };
  }

  free(): void {
    for (const b of this.buffers.values()) this.arena.release(b.ptr);
    this.buffers.clear();
  }
}
