/**
 * The optimizer updates and the gradient-norm helpers: the js reference of
 * assembly/optimizers.ts, in Keras's formulation. They work in place on
 * the parameter, gradient and state vectors (all [n]).
 */
import type { Floats } from './activations.js';

/** Σ p[i]²: the global gradient norm, squared. */
export function sumSquares(p: Floats): number {
  let s = 0;
  for (const v of p) s += v * v;
  return s;
}

/** p[i] = clamp(p[i]·scale, −clip, clip) (clip may be Infinity). */
export function scaleClip(p: Floats, scale: number, clip: number): void {
  for (let i = 0; i < p.length; i++) p[i] = Math.min(clip, Math.max(-clip, p[i] * scale));
}

/** SGD: v = momentum·v − lr·g;  p += v, or with Nesterov momentum p += momentum·v − lr·g. */
export function sgdUpdate(p: Floats, g: Floats, v: Floats, lr: number, momentum: number, nesterov: boolean): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i], vi = momentum * v[i] - lr * gi;
    v[i] = vi;
    p[i] += nesterov ? momentum * vi - lr * gi : vi;
  }
}

/** RMSprop: ms = ρ·ms + (1−ρ)·g²;  p −= lr·g / √(ms + ε)  (ε inside the root, as Keras and TF.js). */
export function rmspropUpdate(p: Floats, g: Floats, ms: Floats, lr: number, rho: number, eps: number): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i], s = rho * ms[i] + (1 - rho) * gi * gi;
    ms[i] = s;
    p[i] -= (lr * gi) / Math.sqrt(s + eps);
  }
}

/**
 * Adam, and AdamW with decay = lr·weightDecay: p −= decay·p;
 * m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= lrT·m / (√v + ε),
 * lrT = lr·√(1−β2ᵗ)/(1−β1ᵗ) given by the caller.
 */
export function adamUpdate(p: Floats, g: Floats, m: Floats, v: Floats, lrT: number, beta1: number, beta2: number, eps: number, decay: number): void {
  for (let i = 0; i < p.length; i++) {
    if (decay) p[i] -= decay * p[i];
    const gi = g[i], mi = beta1 * m[i] + (1 - beta1) * gi, vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= (lrT * mi) / (Math.sqrt(vi) + eps);
  }
}
