// Native PyTorch (CPU, 1 thread) for W3 only, in its own Python process:
// bench/pytorch_w3.py times the step itself (no process or JSON cost in its
// numbers) and prints its losses for the correctness check. Runs where some
// python3 on the machine imports torch; otherwise it is skipped with a note.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../pytorch_w3.py', import.meta.url));
let python;

export const contender = {
  name: 'PyTorch native',
  family: 'pytorch',
  phase: 'native',
  async load() {
    for (const p of ['python3', '/usr/bin/python3']) {
      const r = spawnSync(p, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
      if (r.status === 0) {
        python = p;
        return { version: r.stdout.trim() };
      }
    }
    throw new Error('no python3 here imports torch (Debian: apt-get install python3-torch)');
  },
  /** Runs the whole measurement at once: { losses, median, min, samples }. */
  async trainTimed(w, weights, dense, x, target, timing) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lstm-wasm-w3-'));
    try {
      const file = path.join(dir, 'w3.json');
      const list = (a) => Array.from(a);
      writeFileSync(file, JSON.stringify({
        ...timing, I: w.I, H: w.H, B: w.B, T: w.T, lr: w.lr,
        weight_ih: list(weights.weight_ih), weight_hh: list(weights.weight_hh), bias_ih: list(weights.bias_ih), bias_hh: list(weights.bias_hh),
        dense_weight: list(dense.weight), dense_bias: list(dense.bias), x: list(x), y: list(target),
      }));
      const r = spawnSync(python, [SCRIPT, file], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
      if (r.status !== 0) throw new Error(`pytorch_w3.py failed: ${r.stderr.trim().split('\n').at(-1)}`);
      return JSON.parse(r.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
