/**
 * The small models every runtime runs (test/runtimes.test.ts): the same
 * code in Node (on src/), workerd, Vercel's edge-runtime, Deno and Bun (on
 * the package, through their export conditions). Plain JS so every runtime
 * loads it as is.
 *
 * - `seeded`: Sequential([LSTM(3→4, all steps, seed 1), Dense(2, seed 2)]):
 *   its weights come from the seeds, so they are the same on every backend
 *   and runtime without shipping any.
 * - `golden`: PyTorch's nn.LSTM(3, 4) of test/golden/lstm_small.json,
 *   weights and initial state passed in the payload.
 *
 * @param {typeof import('../../src/index.js')} lib the library's exports
 * @param {{ x: number[][][], golden: { stateDict: Record<string, { shape: number[], data: number[] }>, input: { shape: number[], data: number[] }, h0: { shape: number[], data: number[] }, c0: { shape: number[], data: number[] } } }} payload
 */
export function buildModels(lib, payload) {
  const { Sequential, LSTM, Dense } = lib;
  const seeded = new Sequential([
    new LSTM({ inputSize: 3, units: 4, returnSequences: true, seed: 1 }),
    new Dense({ units: 2, seed: 2 }),
  ]);
  const golden = new LSTM({ inputSize: 3, units: 4, returnSequences: true });
  const w = {};
  for (const [k, t] of Object.entries(payload.golden.stateDict)) w[k] = f32(t);
  golden.setWeights(w, { from: 'torch' });
  return { seeded, golden };
}

/** Run both models on the payload's inputs; plain arrays out (JSON-safe). */
export function runModels(models, payload) {
  const y = models.seeded.predict(payload.x);
  const g = payload.golden;
  // h0/c0 are [layers=1, B, H]: the layer wants [B, H]
  const r = models.golden.forward(f32(g.input), { h: layer0(g.h0), c: layer0(g.c0) });
  return {
    seeded: { shape: y.shape, data: Array.from(y.data) },
    golden: {
      output: { shape: r.output.shape, data: Array.from(r.output.data) },
      h: { shape: r.h.shape, data: Array.from(r.h.data) },
      c: { shape: r.c.shape, data: Array.from(r.c.data) },
    },
  };
}

/** Build, run, dispose: one self-contained prediction. */
export function predictOnce(lib, payload) {
  const models = buildModels(lib, payload);
  try {
    return runModels(models, payload);
  } finally {
    models.seeded.dispose();
    models.golden.dispose();
  }
}

/**
 * The seeded model quantized (int8, issue 12): quantize() loads the int8 code and its wasm module
 * the way this runtime's entry says (workerd and Vercel Edge: an imported WebAssembly.Module).
 */
export async function quantizedOnce(lib, payload) {
  const { seeded } = buildModels(lib, payload);
  try {
    await seeded.quantize('int8');
    const y = seeded.predict(payload.x);
    return { quantization: seeded.quantization, shape: y.shape, data: Array.from(y.data) };
  } finally {
    seeded.dispose();
  }
}

function f32(t) {
  return { shape: t.shape, data: Float32Array.from(t.data) };
}

function layer0(t) {
  return { shape: t.shape.slice(1), data: Float32Array.from(t.data) };
}
