/**
 * Named scratch buffers in the heap that grow to the largest size asked
 * for and are then reused: a steady predict loop with a fixed shape asks
 * for the same sizes every time and allocates nothing.
 */
import type { Arena } from '../backend/arena.js';

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

  free(): void {
    for (const b of this.buffers.values()) this.arena.release(b.ptr);
    this.buffers.clear();
  }
}
