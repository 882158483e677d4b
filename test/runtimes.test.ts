/**
 * The package in the runtimes it promises (issue 5, items 1 and 3): workerd
 * (Cloudflare Workers), Vercel's edge-runtime, Deno and Bun each import
 * `lstm-wasm` the way a user would — by name, through their export
 * condition — run the same small models (test/runtimes/model.mjs) and must
 * give Node's outputs to 1e-5 and pick the SIMD backend.
 *
 * The reference is computed here, in Node, on src/. The runtimes run the
 * built package (dist/ and build/*.wasm: `npm run build`), reached through a
 * temp project whose node_modules/lstm-wasm is a symlink to this repo.
 *
 * A runtime's tests are skipped only when its binary is missing and CI is
 * unset; in CI they must run. Every process started here has a timeout and
 * is killed in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Plugin } from 'esbuild';
import * as lib from '../src/index.js';
import { predictOnce, quantizedOnce } from './runtimes/model.mjs';
import { diffOutputs, payload, type Outputs } from './runtimes/payload.js';
import { golden, maxAbsDiff } from './helpers.js';

const g = golden('lstm_small'); // PyTorch's answer for the golden part of the payload

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'test/runtimes');
const BIN = (name: string) => join(ROOT, 'node_modules/.bin', name);
const TOL = 1e-5;
const CI = !!process.env.CI;


// ---- the payload every runtime gets, and Node's answer ----------------------------------


let reference: Outputs;
/** Node's int8 output of the seeded model (quantizedOnce): every runtime quantizes too. */
let quantizedReference: { quantization: string; shape: number[]; data: number[] };
let nodeBackend: string;


// ---- what each runtime did, printed at the end -------------------------------------------

const report: Record<string, { backend?: string; maxDiff?: number; ms?: number; note?: string }> = {};
const started = new Set<ChildProcess>();
let project: string;

beforeAll(async () => {
  for (const f of ['dist/entry/node.js', 'dist/entry/workerd.js', 'dist/entry/edge-light.js', 'build/simd.wasm', 'build/simd-relaxed.wasm', 'build/scalar.wasm']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does)`);
  }
  const t0 = performance.now();
  nodeBackend = await lib.init();
  reference = predictOnce(lib, payload) as Outputs;
  quantizedReference = await quantizedOnce(lib, payload);
  expect(quantizedReference.quantization).toBe('int8');
  // the golden model is PyTorch's: Node itself must agree with it first
  expect(maxAbsDiff(reference.golden.output.data, g.expected.output.data)).toBeLessThanOrEqual(TOL);
  expect(maxAbsDiff(reference.golden.h.data, g.expected.h_n.data)).toBeLessThanOrEqual(TOL);
  expect(maxAbsDiff(reference.golden.c.data, g.expected.c_n.data)).toBeLessThanOrEqual(TOL);
  report.node = { backend: lib.backend() + (lib.backendInfo().relaxedSimd ? ' relaxed' : ''), maxDiff: 0, ms: performance.now() - t0, note: `reference (src/); PyTorch diff ${maxAbsDiff(reference.golden.output.data, g.expected.output.data).toExponential(1)}` };

  // a user's project: package.json, node_modules/lstm-wasm → this repo, the fixtures
  project = mkdtempSync(join(tmpdir(), 'lstm-wasm-runtimes-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'runtimes-fixture', private: true, type: 'module', dependencies: { 'lstm-wasm': '*' } }));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules/lstm-wasm'), 'dir');
  cpSync(FIXTURES, project, { recursive: true });
  writeFileSync(join(project, 'payload.json'), JSON.stringify(payload));
});

afterAll(async () => {
  await Promise.all([...started].map(stop));
  if (project) rmSync(project, { recursive: true, force: true });
  const rows = Object.entries(report).map(([rt, r]) =>
    `  ${rt.padEnd(14)} ${String(r.backend ?? '-').padEnd(17)} ${r.maxDiff === undefined ? '-'.padEnd(9) : r.maxDiff.toExponential(2).padEnd(9)} ${r.ms === undefined ? '-'.padStart(7) : `${r.ms.toFixed(0)} ms`.padStart(7)}  ${r.note ?? ''}`);
  console.log(`runtimes (backend, max |output − Node's|, time):\n${rows.join('\n')}`);
});

// ---- helpers: processes with timeouts, skipping ------------------------------------------

/** Run a command to completion (killed after timeoutMs); stdout, stderr, exit code. */
function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs, killSignal: 'SIGKILL' });
    started.add(child);
    let stdout = '', stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', (e) => { started.delete(child); rej(new Error(`${cmd}: ${e.message} (npm ci installs it)`)); });
    child.on('close', (code, signal) => { started.delete(child); res({ code, signal, stdout, stderr }); });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 2 s. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => { clearTimeout(kill); started.delete(child); res(); });
    child.kill('SIGTERM');
  });
}

/** A runtime's describe block runs if its binary is there, or in CI (where a missing binary must fail). */
function runtime(name: string, bin: string): { title: string; skip: boolean } {
  const have = existsSync(bin);
  const skip = !have && !CI;
  if (skip) report[name] = { note: `skipped: ${bin} missing (npm ci installs it; in CI this fails)` };
  return { title: skip ? `${name} (skipped: ${bin} missing and CI unset)` : name, skip };
}

/**
 * Bundling the package's .wasm imports as the edge platforms' bundlers do:
 * 'external' keeps `import m from './simd.wasm'` for the runtime to provide
 * (workerd modules of type wasm); 'global' turns `./simd.wasm?module` into
 * a WebAssembly.Module the host injects as a global (Vercel/Next.js's
 * `wasm_…` bindings). `found` collects name → file for the host.
 */
function wasmImports(mode: 'external' | 'global', found: Map<string, string>): Plugin {
  return {
    name: `wasm-${mode}`,
    setup(b) {
      b.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => {
        const file = resolve(args.resolveDir, args.path.replace(/\?module$/, ''));
        const name = basename(file);
        found.set(name, file);
        return mode === 'external' ? { path: `./${name}`, external: true } : { path: name, namespace: 'wasm-global' };
      });
      b.onLoad({ filter: /.*/, namespace: 'wasm-global' }, (args) => ({
        contents: `export default globalThis[${JSON.stringify(wasmBinding(args.path))}];`,
        loader: 'js',
      }));
    },
  };
}
const wasmBinding = (name: string) => `wasm_${name.replace(/\W/g, '_')}`;

// ---- workerd ----------------------------------------------------------------------------

const wd = runtime('workerd', BIN('workerd'));
describe.skipIf(wd.skip)(wd.title, () => {
  let child: ChildProcess | undefined;
  let base: string;
  let bundle: string;
  let firstAnswer: Promise<any> | undefined;
  /** The isolate's first request (made once, whichever test asks first). */
  const first = () => (firstAnswer ??= predict());

  beforeAll(async () => {
    const t0 = performance.now();
    const dir = join(project, 'workerd');
    mkdirSync(dir);
    const wasm = new Map<string, string>();
    await build({
      entryPoints: [join(project, 'worker.mjs')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      // workerd promises no import.meta.url: make sure nothing in the bundle leans on it
      define: { 'import.meta.url': 'undefined' },
      plugins: [wasmImports('external', wasm)],
      outfile: join(dir, 'worker.js'),
      logLevel: 'silent',
    });
    bundle = readFileSync(join(dir, 'worker.js'), 'utf8');
    for (const [name, file] of wasm) cpSync(file, join(dir, name));
    const modules = [`(name = "worker.js", esModule = embed "worker.js")`, ...[...wasm.keys()].map((n) => `(name = ${JSON.stringify(n)}, wasm = embed ${JSON.stringify(n)})`)];
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')},
  ],
  compatibilityDate = "2025-09-01",
);
`);
    report.workerd = { note: `modules: worker.js + ${[...wasm.keys()].join(', ')}` };

    // --control-fd reports the port workerd bound (127.0.0.1:0 → a free one)
    const c = spawn(BIN('workerd'), ['serve', join(dir, 'config.capnp'), '--control-fd=3'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    child = c;
    started.add(c);
    let stderr = '';
    c.stderr!.on('data', (d) => (stderr += d));
    c.stdout!.resume();
    const port = await new Promise<number>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`workerd did not listen within 15 s; stderr:\n${stderr}`)), 15_000);
      let buf = '';
      (c.stdio[3] as NodeJS.ReadableStream).on('data', (d) => {
        buf += d;
        for (const line of buf.split('\n').slice(0, -1)) {
          const msg = JSON.parse(line);
          if (msg.event === 'listen' && msg.socket === 'http') { clearTimeout(timer); res(msg.port); }
        }
        buf = buf.slice(buf.lastIndexOf('\n') + 1);
      });
      c.once('exit', (code) => { clearTimeout(timer); rej(new Error(`workerd exited (${code}) before listening; stderr:\n${stderr}`)); });
      c.once('error', (e) => { clearTimeout(timer); rej(new Error(`workerd: ${e.message} (npm ci installs it)`)); });
    });
    base = `http://127.0.0.1:${port}`;
    report.workerd.ms = performance.now() - t0;
  }, 30_000);

  afterAll(async () => {
    if (child) await stop(child);
  });

  async function predict(): Promise<any> {
    const res = await fetch(`${base}/predict`, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
    const body = await res.json();
    if (!res.ok) throw new Error(`workerd answered ${res.status}: ${body.error ?? JSON.stringify(body)}`);
    return body;
  }

  it('the bundle resolved the workerd entry and has no import.meta', () => {
    expect(bundle).toMatch(/from "\.\/simd\.wasm"/);
    expect(bundle).toMatch(/from "\.\/simd-relaxed\.wasm"/);
    expect(bundle).not.toMatch(/import\.meta/);
    expect(bundle).not.toMatch(/\bfrom\s*["']node:/); // no static Node import (the registry's file: branch imports node:fs lazily, by variable)
  });

  it('refuses to compile wasm from bytes, like Cloudflare', async () => {
    const a = await first();
    expect(a.runtime.compileFromBytes).toMatch(/^refused/);
    expect(a.runtime.finalizationRegistry).toBe('undefined');
  }, 20_000);

  it("answers predictions over HTTP equal to Node's, on wasm-simd (its relaxed build: workerd's V8 has relaxed SIMD)", async () => {
    const a = await first();
    expect(a.backend).toBe('wasm-simd');
    expect(a.info).toEqual({ name: 'wasm-simd', relaxedSimd: true, threads: 1 });
    expect(a.backend).toBe(nodeBackend);
    const d = diffOutputs(a.outputs, reference);
    expect(d).toBeLessThanOrEqual(TOL);
    Object.assign(report.workerd, { backend: a.backend + (a.info.relaxedSimd ? ' relaxed' : ''), maxDiff: d });
    report.workerd.note += `; bytes: ${a.runtime.compileFromBytes}`;
    // the library itself instantiated a Module, never compiled bytes
    expect(a.wasm).toEqual({ instantiate: 1, compileFromBytes: 0 });
  }, 20_000);

  it('init() again on the warm isolate reuses what it loaded', async () => {
    const a = await first();
    const t0 = performance.now();
    const b = await predict();
    const c = await predict();
    expect([b.request, c.request]).toEqual([a.request + 1, a.request + 2]);
    for (const r of [b, c]) {
      expect(r.reused).toBe(true);
      expect(r.initReturned).toBe('wasm-simd');
      expect(r.heapBytes).toBe(a.heapBytes);
      expect(r.wasm).toEqual({ instantiate: 1, compileFromBytes: 0 });
      expect(r.outputs).toEqual(a.outputs); // the same models, bit for bit
    }
    report['workerd req'] = { ms: (performance.now() - t0) / 2, note: 'per warm request (HTTP, init() + predict)' };
  }, 20_000);

  // last: it instantiates one more module in the isolate, which the tests above count
  it("quantizes (int8) with the int8 module it imports, as Node does", async () => {
    const res = await fetch(`${base}/quantize`, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
    const a = await res.json();
    if (!res.ok) throw new Error(`workerd answered ${res.status}: ${a.error ?? JSON.stringify(a)}`);
    expect(a.quantized.quantization).toBe('int8');
    expect(a.quantized.shape).toEqual(quantizedReference.shape);
    expect(maxAbsDiff(a.quantized.data, quantizedReference.data)).toBeLessThanOrEqual(TOL);
    expect(bundle).toMatch(/from "\.\/int8-simd-relaxed\.wasm"/);
    expect(a.wasm.compileFromBytes).toBe(0); // the int8 module too was imported as a Module
  }, 20_000);
});

// ---- Vercel edge-runtime ----------------------------------------------------------------

const er = runtime('edge-runtime', join(ROOT, 'node_modules/edge-runtime/package.json'));
describe.skipIf(er.skip)(er.title, () => {
  let bundle: string;
  const modules: Record<string, WebAssembly.Module> = {};

  beforeAll(async () => {
    const wasm = new Map<string, string>();
    await build({
      entryPoints: [join(project, 'edge.mjs')],
      bundle: true,
      format: 'iife', // EdgeRuntime evaluates a script
      platform: 'neutral',
      conditions: ['edge-light', 'worker', 'browser'],
      define: { 'import.meta.url': 'undefined' },
      plugins: [wasmImports('global', wasm)],
      write: false,
      logLevel: 'silent',
    }).then((r) => (bundle = r.outputFiles[0].text));
    // what Vercel's bundler does at deploy time: compile each .wasm?module, hand it to the function
    for (const [name, file] of wasm) modules[wasmBinding(name)] = await WebAssembly.compile(readFileSync(file));
  });

  async function edgeRuntime(codeGeneration?: { strings: boolean; wasm: boolean }) {
    const { EdgeRuntime } = await import('edge-runtime');
    const rt = new EdgeRuntime({ ...(codeGeneration && { codeGeneration }), extend: (ctx) => Object.assign(ctx, modules) });
    rt.evaluate(bundle);
    return async () => {
      const res = await rt.dispatchFetch('http://127.0.0.1/predict', { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`edge-runtime answered ${res.status}: ${body.error ?? JSON.stringify(body)}`);
      return body;
    };
  }

  it('the bundle resolved the edge-light entry', () => {
    expect(Object.keys(modules).sort()).toEqual(['wasm_int8_scalar_wasm', 'wasm_int8_simd_wasm', 'wasm_scalar_wasm', 'wasm_simd_wasm']);
    expect(bundle).not.toMatch(/import\.meta|\bfrom\s*["']node:/);
  });

  it("with code generation from bytes refused (as on Vercel), predicts Node's outputs on wasm-simd", async () => {
    const t0 = performance.now();
    // the npm edge-runtime allows wasm code generation unless told not to; Vercel's Edge refuses it
    const predict = await edgeRuntime({ strings: false, wasm: false });
    const a = await predict();
    expect(a.runtime.compileFromBytes).toMatch(/^refused/);
    expect(a.runtime.finalizationRegistry).toBe('undefined');
    expect(a.backend).toBe('wasm-simd');
    expect(a.info).toEqual({ name: 'wasm-simd', relaxedSimd: false, threads: 1 }); // the edge-light entry ships the plain build only
    expect(a.wasm).toEqual({ instantiate: 1, compileFromBytes: 0 });
    const d = diffOutputs(a.outputs, reference);
    expect(d).toBeLessThanOrEqual(TOL);
    // a second request on the same isolate: init() again, nothing reloaded
    const b = await predict();
    expect(b.reused).toBe(true);
    expect(b.initReturned).toBe('wasm-simd');
    expect(b.wasm).toEqual({ instantiate: 1, compileFromBytes: 0 });
    expect(b.outputs).toEqual(a.outputs);
    report['edge-runtime'] = { backend: a.backend, maxDiff: d, ms: performance.now() - t0, note: `codeGeneration.wasm off, bytes: ${a.runtime.compileFromBytes}` };
  }, 20_000);

  it("quantizes (int8) with the int8 module it imports, as Node does", async () => {
    const { EdgeRuntime } = await import('edge-runtime');
    const rt = new EdgeRuntime({ codeGeneration: { strings: false, wasm: false }, extend: (ctx) => Object.assign(ctx, modules) });
    rt.evaluate(bundle);
    const res = await rt.dispatchFetch('http://127.0.0.1/quantize', { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
    const a = await res.json();
    if (res.status !== 200) throw new Error(`edge-runtime answered ${res.status}: ${a.error ?? JSON.stringify(a)}`);
    expect(a.quantized.quantization).toBe('int8');
    expect(maxAbsDiff(a.quantized.data, quantizedReference.data)).toBeLessThanOrEqual(TOL);
    expect(a.wasm).toEqual({ instantiate: 2, compileFromBytes: 0 }); // the backend's build and the int8 module, both Modules
  }, 20_000);

  it('with its default options (code generation allowed) too', async () => {
    const a = await (await edgeRuntime())();
    expect(a.runtime.compileFromBytes).toBe('allowed');
    expect(a.backend).toBe('wasm-simd');
    expect(a.wasm).toEqual({ instantiate: 1, compileFromBytes: 0 });
    expect(diffOutputs(a.outputs, reference)).toBeLessThanOrEqual(TOL);
    (report['edge-runtime'] ??= {}).note = `${report['edge-runtime'].note ?? ''}; default options: compiling bytes allowed`;
  }, 20_000);
});

// ---- Deno and Bun -----------------------------------------------------------------------

for (const [name, args, env] of [
  ['deno', ['run', '--allow-read', '--no-lock', 'script.mjs', 'payload.json'], { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' }],
  ['bun', ['script.mjs', 'payload.json'], { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' }],
] as const) {
  const rt = runtime(name, BIN(name));
  describe.skipIf(rt.skip)(rt.title, () => {
    it(`imports lstm-wasm by name and predicts Node's outputs on wasm-simd`, async () => {
      const t0 = performance.now();
      const r = await run(BIN(name), [...args], { cwd: project, env: { ...env, DENO_DIR: join(project, '.deno') }, timeoutMs: 30_000 });
      const ms = performance.now() - t0;
      if (r.code !== 0) throw new Error(`${name} exited ${r.code ?? r.signal}:\n${r.stderr}\n${r.stdout}`);
      const a = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
      expect(a.entry).toMatch(/\/dist\/entry\/node\.js$/);
      expect(a.initReturned).toEqual(['wasm-simd', 'wasm-simd']);
      expect(a.backend).toBe('wasm-simd');
      // the relaxed build where this runtime validates it (the probe agrees with the build itself)
      expect(a.info).toEqual({ name: 'wasm-simd', relaxedSimd: a.relaxedValidates, threads: 1 });
      expect(a.heapBytes[1]).toBe(a.heapBytes[0]);
      expect(a.wasm.instantiate).toBe(1); // the second init() loaded nothing
      expect(a.finalizationRegistry).toBe('undefined');
      const d = diffOutputs(a.outputs, reference);
      expect(d).toBeLessThanOrEqual(TOL);
      // int8 too: the int8 module read from the package's build/ next to the entry's chunks
      expect(a.quantized.quantization).toBe('int8');
      expect(maxAbsDiff(a.quantized.data, quantizedReference.data)).toBeLessThanOrEqual(TOL);
      expect(a.wasmAfterQuantize.instantiate).toBe(2);
      report[name] = { backend: a.backend + (a.info.relaxedSimd ? ' relaxed' : ''), maxDiff: d, ms, note: `${a.runtime}, entry ${a.entry.replace(/^.*\/(dist\/)/, '$1')} (whole process)` };
    }, 40_000);
  });
}
