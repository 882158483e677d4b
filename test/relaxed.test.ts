/**
 * The relaxed-SIMD build (issue 12): feature detection, init({ relaxedSimd })
 * and backendInfo(). Its numbers are checked where every build's are (golden,
 * gradients, finite differences, kernels, reference, activations run it as
 * 'wasm-simd relaxed'); here: the probe says what actually validates, in
 * this process (which vitest.config.ts gives Node 20's flag) and in a child
 * Node without it, and asking for what is not there is a clear error.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backendInfo, Dense, init, LSTM, Sequential, type InitOptions } from '../src/index.js';
import * as predict from '../src/predict.js';
import { relaxedSimdSupported, simdSupported } from '../src/backend/registry.js';
import { rejectsLW } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const bytes = (f: string) => readFileSync(ROOT + f);

/**
 * A child Node with relaxed SIMD off: plain `node` on Node 20; on Node 22+, where it is on, V8's
 * flag turned off (if that Node still knows the flag; else the child tests are skipped).
 */
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const OFF = NODE_MAJOR <= 20 ? [] : ['--no-experimental-wasm-relaxed-simd'];
const offWorks = spawnSync(process.execPath, [...OFF, '-e', '0']).status === 0;

/** Run an ES module body in a child Node without relaxed SIMD; its stdout as JSON. */
function withoutRelaxed(body: string): unknown {
  const r = spawnSync(process.execPath, [...OFF, '--input-type=module', '-e', body], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`child node failed (${r.status} ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('relaxed SIMD: detection', () => {
  it('the test processes have relaxed SIMD (vitest.config.ts), so the relaxed build really runs in the suite', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(WebAssembly.validate(bytes('build/simd-relaxed.wasm'))).toBe(true);
    expect(WebAssembly.validate(bytes('build/inference-simd-relaxed.wasm'))).toBe(true);
  });

  it.skipIf(!offWorks)('without relaxed SIMD, the probe fails exactly as the relaxed builds fail to validate, and the plain ones still validate', () => {
    const registry = new URL('../dist/backend/registry.js', import.meta.url).href;
    const out = withoutRelaxed(`
      import { readFileSync } from 'node:fs';
      const { relaxedSimdSupported, simdSupported } = await import(${JSON.stringify(registry)});
      const v = (f) => WebAssembly.validate(readFileSync(f));
      console.log(JSON.stringify({ probe: relaxedSimdSupported(), simd: simdSupported(),
        relaxed: v('build/simd-relaxed.wasm'), inferenceRelaxed: v('build/inference-simd-relaxed.wasm'),
        plain: v('build/simd.wasm'), inferencePlain: v('build/inference-simd.wasm') }));`);
    expect(out).toEqual({ probe: false, simd: true, relaxed: false, inferenceRelaxed: false, plain: true, inferencePlain: true });
    // and in this process, with it: the probe and the builds agree the other way
    expect({ probe: relaxedSimdSupported(), simd: simdSupported() }).toEqual({ probe: true, simd: true });
  });
});

describe('relaxed SIMD: init({ relaxedSimd }) and backendInfo()', () => {
  it('by default wasm-simd runs the relaxed build where it is supported; relaxedSimd: false the plain one', async () => {
    expect(await init()).toBe('wasm-simd');
    expect(backendInfo()).toEqual({ name: 'wasm-simd', relaxedSimd: true, threads: 1 });
    await init({ backend: 'wasm-simd', relaxedSimd: false });
    expect(backendInfo()).toEqual({ name: 'wasm-simd', relaxedSimd: false, threads: 1 });
    await init({ relaxedSimd: true });
    expect(backendInfo()).toEqual({ name: 'wasm-simd', relaxedSimd: true, threads: 1 });
    for (const backend of ['wasm', 'js'] as const) {
      await init({ backend });
      expect(backendInfo()).toEqual({ name: backend, relaxedSimd: false, threads: 1 });
    }
    // 'lstm-wasm/predict' exports the same function
    expect(predict.backendInfo).toBe(backendInfo);
  });

  it('the plain and relaxed builds are two heaps: layers bound to each are refused in one model', async () => {
    await init({ relaxedSimd: false });
    const lstm = new LSTM({ inputSize: 2, units: 3, seed: 1 });
    lstm.forward({ shape: [1, 1, 2], data: new Float32Array(2) }); // binds it to the plain build's heap
    await init({ relaxedSimd: true });
    const dense = new Dense({ inputSize: 3, units: 1, seed: 2 });
    dense.forward({ shape: [1, 3], data: new Float32Array(3) }); // and this one to the relaxed build's
    const model = new Sequential([lstm, dense]);
    expect(() => model.predict([[[1, 2]]])).toThrow(/holds memory on/);
    model.dispose();
  });

  it('a given module runs as given: relaxed only when the caller says so', async () => {
    await init({ backend: 'wasm-simd', wasm: bytes('build/simd.wasm') });
    expect(backendInfo().relaxedSimd).toBe(false);
    await init({ backend: 'wasm-simd', relaxedSimd: true, wasm: bytes('build/simd-relaxed.wasm') });
    expect(backendInfo().relaxedSimd).toBe(true);
  });

  it('relaxedSimd for another backend, or not a boolean, is a clear error', async () => {
    await rejectsLW(init({ backend: 'wasm', relaxedSimd: true }), /relaxedSimd needs the 'wasm-simd' backend/);
    await rejectsLW(init({ backend: 'js', relaxedSimd: true }), /relaxedSimd needs the 'wasm-simd' backend/);
    await rejectsLW(init({ relaxedSimd: 'yes' } as unknown as InitOptions), /relaxedSimd must be true or false/);
  });

  it.skipIf(!offWorks)('without relaxed SIMD: init() runs the plain build, relaxedSimd: true is an error that names the flag', () => {
    const entry = new URL('../dist/entry/node.js', import.meta.url).href;
    const out = withoutRelaxed(`
      const lib = await import(${JSON.stringify(entry)});
      await lib.init();
      const auto = lib.backendInfo();
      let error;
      try { await lib.init({ relaxedSimd: true }); } catch (e) { error = { type: e.constructor.name, message: e.message }; }
      console.log(JSON.stringify({ auto, after: lib.backendInfo(), error }));`);
    expect(out).toEqual({
      auto: { name: 'wasm-simd', relaxedSimd: false, threads: 1 },
      after: { name: 'wasm-simd', relaxedSimd: false, threads: 1 }, // the failed call changed nothing
      error: { type: 'LstmWasmError', message: expect.stringMatching(/no relaxed SIMD in this runtime \(Node 20: --experimental-wasm-relaxed-simd\)/) },
    });
  });
});
