// The kernel benchmarks' heap: buffers bumped up from a wasm build's heap
// base, and the fixed pseudo-random numbers they are filled with, so that
// every build (and every run) times the same data.

/** alloc(floats) → a 64-byte-aligned buffer after the last; `top` is the first byte past them all. */
export function bumpAllocator(base) {
  const heap = { top: (base + 63) & ~63, alloc: (floats) => { const p = heap.top; heap.top += Math.ceil((floats * 4) / 64) * 64; return p; } };
  return heap;
}

/** Grow a build's memory to hold `bytes` (its heap before any view of it is taken). */
export function growTo(memory, bytes) {
  const need = bytes - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
}

/** rnd(a): uniform in [−a, a) from the Park–Miller sequence, seed 42. */
export function parkMiller() {
  let s = 42;
  return (a) => { s = (s * 16807) % 2147483647; return (s / 2147483647 * 2 - 1) * a; };
}
