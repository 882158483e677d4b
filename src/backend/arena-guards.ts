/**
 * Guard zones, for the fuzzer and the memory tests: after enableGuards(arena),
 * every block the arena hands out gets a red zone right after the floats
 * asked for, filled with a NaN pattern. checkGuards(arena) and the arena's
 * release() verify it, so a kernel writing one float past its buffer is
 * caught, and one reading past it reads NaN, which the output checks catch.
 * A module of its own: an app never turns them on, so it does not ship them.
 */
import type { Arena, Guards } from './arena.js';

/** Bytes of red zone after a guarded block's floats (at least; alignment may add more). */
const GUARD_BYTES = 16;
/** The red zone's fill: a quiet NaN with a recognisable payload. */
const GUARD_WORD = 0x7fc0dead;

class RedZones implements Guards {
  readonly extra = GUARD_BYTES;
  /** Guarded block → the bytes of its red zone: [from, end). */
  private zones = new Map<number, [number, number]>();

  constructor(private readonly arena: Arena) {}

  taken(ptr: number, bytes: number, size: number): void {
    this.zones.set(ptr, [ptr + bytes, ptr + size]);
    new Uint32Array(this.arena.heap.buffer).fill(GUARD_WORD, (ptr + bytes) >> 2, (ptr + size) >> 2);
  }

  released(ptr: number): void {
    this.check(ptr);
    this.zones.delete(ptr);
  }

  check(ptr: number): void {
    const zone = this.zones.get(ptr);
    if (!zone) return;
    const [from, end] = zone, words = new Uint32Array(this.arena.heap.buffer);
    for (let i = from >> 2; i < end >> 2; i++) {
      if (words[i] !== GUARD_WORD) throw new Error(`lstm-wasm: internal error: heap corruption: the ${from - ptr}-byte block at ${ptr} was overrun (byte ${4 * i - from} past its end was written)`);
    }
  }

  checkAll(): void {
    for (const ptr of this.zones.keys()) this.check(ptr);
  }
}

/** Give every block `arena` allocates from now on a red zone. */
export function enableGuards(arena: Arena): void {
  arena.guards ??= new RedZones(arena);
}

/** Throw if any guarded live block's red zone was written. */
export function checkGuards(arena: Arena): void {
  if (arena.guards instanceof RedZones) arena.guards.checkAll();
}
