/** Every error the library throws on purpose: bad shapes, NaN, corrupt files, disposed objects. */
export class LstmWasmError extends Error {
  constructor(message: string) {
    super(`lstm-wasm: ${message}`);
    this.name = 'LstmWasmError';
  }
}

export function fail(message: string): never {
  throw new LstmWasmError(message);
}

/** The longest a user's value is quoted in a message: a corrupt file must not make a message of megabytes. */
const SHOWN_CHARS = 80;

/**
 * A user's value as a message quotes it: JSON-like, cut to a bounded
 * length. Safe on anything (cycles, BigInt, getters that throw).
 */
export function show(value: unknown): string {
  // a string is cut before it is quoted, so that it still reads as a string ("abc…")
  if (typeof value === 'string' && value.length > SHOWN_CHARS) return JSON.stringify(`${value.slice(0, SHOWN_CHARS - 1)}…`);
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n`
      : typeof value === 'function' ? 'a function'
      : value === undefined ? 'undefined'
      : typeof value === 'number' && !Number.isFinite(value) ? String(value)
      : ArrayBuffer.isView(value) ? `a ${value.constructor.name} of ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`
      : JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}
