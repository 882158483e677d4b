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
