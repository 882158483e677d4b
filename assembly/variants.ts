/**
 * The recurrent cells' variants (the Keras options): any activation of the
 * candidate and state (`act`), any activation of the gates (`gateAct`), and
 * the GRU whose reset gate comes before the recurrent product (Keras
 * reset_after=False). The default cells (σ gates, tanh) keep their fused
 * fast loops in lstm.ts, gru.ts and rnn.ts, untouched; this is the generic
 * path (contracts: the *Act kernels in src/backend/kernels.ts; reference:
 * src/backend/js/lstm.ts, gru.ts, rnn.ts with their `acts`).
 *
 * Per step, the recurrent product h_{t−1}·Uᵀ is added into z_t in place
 * (addRecurrent), then one elementwise pass applies the activations by
 * their codes. Plain f32 code, so both builds run the same operations.
 *
 * Activation codes (CellAct in kernels.ts):
 *     0 linear  x                      1 relu  max(x, 0)
 *     2 sigmoid σ(x)                   3 tanh
 *     5 hard_sigmoid        clip(0.2·x + 0.5, 0, 1)   (Keras 2, TF.js, ONNX)
 *     6 hard_sigmoid_relu6  relu6(x + 3)/6            (Keras 3)
 * Each one's derivative is a function of its output y (slope), so the
 * backward needs only what the forward records: 1, [y > 0], y(1−y), 1−y²,
 * 0.2·[0 < y < 1], [0 < y < 1]/6.
 *
 * The records are the fast kernels' (kernels.ts), except the reset-before
 * GRU's, which keeps no a_n: gates r, z, n ‖ hidden.
 *
 * Masks (Keras's masking, ONNX's sequence_lens): every kernel here takes a
 * `mask` pointer, 0 for none, else [B][T] floats in time order, 1 for a
 * real step and 0 for a padded one. A padded step leaves the state as it
 * was (h, and c for LSTM) and outputs the row's previous output: the
 * carried h, or zeros before the row's first real step (Keras 3's rnn():
 * where(mask, new, previous)). Its record holds zero gates and the carried
 * states, so the next real step's backward reads the state it started
 * from. Backward, a padded step has no pre-activation gradient and passes
 * ∂L/∂h (and ∂L/∂c) straight on, plus its output's gradient once the row
 * has begun. The fused kernels take no mask: a masked call runs here.
 */
import { vsigmoid, vtanh } from './activations';
import { loadState, recordSection, recordStep, storeRows, zeroRows } from './state';
import { ACT_ONE as ONE } from './scratch'; // one float of scratch, this instance's (scratch.ts)

const LINEAR = 0, RELU = 1, SIGMOID = 2, TANH = 3, HARD_SIGMOID = 5, HARD_SIGMOID_RELU6 = 6;

/**
 * The activation `code` of x. σ and tanh go through the exported vector
 * kernels on one float (their scalar tail: the same operations as the fused
 * cells'), so the module holds one copy of each polynomial, not one more per
 * use: the inference-only builds have a size budget (scripts/size.js).
 */
function actF32(code: i32, x: f32): f32 {
  if (code == TANH || code == SIGMOID) {
    store<f32>(ONE, x);
    if (code == TANH) vtanh(ONE, ONE, 1);
    else vsigmoid(ONE, ONE, 1);
    return load<f32>(ONE);
  }
  if (code == RELU) return max<f32>(x, 0);
  if (code == HARD_SIGMOID) return min<f32>(max<f32>(<f32>0.2 * x + <f32>0.5, 0), 1);
  if (code == HARD_SIGMOID_RELU6) return min<f32>(max<f32>(x + 3, 0), 6) / 6;
  return x; // LINEAR
}

/** The derivative of activation `code` where its output is y. */
// @ts-ignore: decorator
@inline function slopeF32(code: i32, y: f32): f32 {
  if (code == TANH) return 1 - y * y;
  if (code == SIGMOID) return y * (1 - y);
  if (code == RELU) return y > 0 ? 1 : 0;
  if (code == HARD_SIGMOID) return y > 0 && y < 1 ? <f32>0.2 : 0;
  if (code == HARD_SIGMOID_RELU6) return y > 0 && y < 1 ? <f32>1 / 6 : 0;
  return 1; // LINEAR
}

/**
 * dst += h·Uᵀ over gates g0 … g1−1 of U's panels [Hp/4][H][G][4], for B rows:
 *   dst[b·dstRow + p·dstPanel + (g−g0)·16 + 4·lane] += Σ_k h[b][k]·u[p][k][g][lane]
 * h: [B][Hp]; dst, dstRow, dstPanel in bytes (dst: gate g0 of panel 0, row 0).
 */
function addRecurrent(dst: usize, dstRow: usize, dstPanel: usize, h: usize, B: i32, H: i32, u: usize, G: i32, g0: i32, g1: i32): void {
  const Hp = (H + 3) & ~3, P = Hp >> 2, n = (g1 - g0) << 2;
  const wRow = <usize>G << 4, wPanel = <usize>H * wRow;
  for (let b = 0; b < B; b++) {
    const hb = h + ((<usize>b * Hp) << 2);
    for (let p = 0; p < P; p++) {
      const d = dst + <usize>b * dstRow + <usize>p * dstPanel;
      const w = u + <usize>p * wPanel + (<usize>g0 << 4);
      for (let c = 0; c < n; c++) {
        const dc = d + (<usize>c << 2);
        let s = load<f32>(dc);
        let wk = w + (<usize>c << 2);
        for (let k = 0; k < H; k++) {
          s += load<f32>(hb + (<usize>k << 2)) * load<f32>(wk);
          wk += wRow;
        }
        store<f32>(dc, s);
      }
    }
  }
}

/**
 * The transposed product of one row, the backward of addRecurrent:
 *   out[k] += Σ_{p, g0≤g<g1, lane} dz[p][g][lane]·u[p][k][g][lane]   for k < H
 * dz: one packed row [Hp/4][G][4]; out: [Hp].
 */
function addTransposed(out: usize, dz: usize, u: usize, H: i32, G: i32, g0: i32, g1: i32): void {
  const P = ((H + 3) & ~3) >> 2, n = (g1 - g0) << 2;
  const wRow = <usize>G << 4, wPanel = <usize>H * wRow;
  for (let k = 0; k < H; k++) {
    let s: f32 = 0;
    for (let p = 0; p < P; p++) {
      const d = dz + <usize>p * wRow + (<usize>g0 << 4);
      const w = u + <usize>p * wPanel + <usize>k * wRow + (<usize>g0 << 4);
      for (let c = 0; c < n; c++) s += load<f32>(d + (<usize>c << 2)) * load<f32>(w + (<usize>c << 2));
    }
    const o = out + (<usize>k << 2);
    store<f32>(o, load<f32>(o) + s);
  }
}

/** Byte offset of gate 0 of unit j in a packed row of G gates: [p][g][lane]. */
// @ts-ignore: decorator
@inline function packedCol(j: i32, G: i32): usize {
  return <usize>(j >> 2) * (<usize>G << 4) + (<usize>(j & 3) << 2);
}

/** hprev's rows of step t: the state step t started from (tPrev's h, else h0, else zeros). */
function storePrevious(hprev: usize, t: i32, tPrev: i32, T: i32, B: i32, H: i32, hidden: usize, step: usize, h0: usize): void {
  const hp = hprev + ((<usize>t * H) << 2);
  if (tPrev >= 0) storeRows(hp, T * H, hidden + <usize>tPrev * step, (H + 3) & ~3, B, H);
  else if (h0 != 0) storeRows(hp, T * H, h0, H, B, H);
  else zeroRows(hp, T * H, B, H);
}

// ── masks ─────────────────────────────────────────────────────────────────

/** Whether step t of row b is real: no mask, or mask[b][t] ≠ 0. */
function isReal(mask: usize, b: i32, t: i32, T: i32): bool {
  return mask == 0 || load<f32>(mask + ((<usize>b * T + <usize>t) << 2)) != 0;
}

/** Copy n floats (the carried state into a padded step's record). */
function copyFloats(dst: usize, src: usize, n: i32): void {
  for (let j = 0; j < n; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
}

/** A padded step's outputs: zeros in the rows that have not run a real step yet (seen[b] = 0). */
function zeroUnseen(out: usize, outRow: i32, seen: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    if (load<f32>(seen + (<usize>b << 2)) == 0) zeroRows(out + ((<usize>b * outRow) << 2), 0, 1, H);
  }
}

/** first[b] = the walk position s of row b's first real step (T when it has none), as i32. */
function firstReal(first: usize, mask: usize, B: i32, T: i32, reverse: i32): void {
  for (let b = 0; b < B; b++) {
    let s = 0;
    while (s < T && !isReal(mask, b, reverse ? T - 1 - s : s, T)) s++;
    store<i32>(first + (<usize>b << 2), s);
  }
}

/**
 * The backward of a padded step of one row: ∂L/∂h goes on unchanged, plus
 * the step's output gradient when the row had begun (its output was the
 * carried h; before that it was a constant zero).
 */
function carryGradient(dhNext: usize, dh: usize, dout: usize, begun: bool, H: i32, Hp: i32): void {
  for (let j = 0; j < Hp; j++) {
    const q = <usize>j << 2;
    let v = load<f32>(dh + q);
    if (begun && dout != 0 && j < H) v += load<f32>(dout + q);
    store<f32>(dhNext + q, v);
  }
}

// ── LSTM ──────────────────────────────────────────────────────────────────

/**
 * lstmRecur with activation codes: i, f, o = gateAct(.), g = act(.),
 * c = f⊙c + i⊙g, h = o⊙act(c) (Keras applies `activation` to both).
 * Arguments, work and record as lstmRecur (work: h, c, and with a mask which
 * rows have begun, [B][Hp] each).
 */
export function lstmRecurAct(
  z: usize, B: i32, T: i32, H: i32, u: usize, h0: usize, c0: usize,
  out: usize, outStride: i32, hT: usize, cT: usize, reverse: i32, work: usize, rec: usize,
  gateAct: i32, act: i32, mask: usize, recRows: i32, recRow0: i32,
): void {
  const Hp = (H + 3) & ~3, hRow = <usize>Hp << 2, block = <usize>B * hRow;
  const step = recordStep(B, H, recRows);   // bytes of one step of the record (state.ts)
  const h = work, c = work + block, seen = work + 2 * block;
  loadState(h, h0, B, H);
  loadState(c, c0, B, H);
  if (mask != 0) zeroRows(seen, 0, 1, B);
  const zRow = (<usize>T * Hp) << 4;
  const recGates = recordSection(rec, 0, T, step, recRow0, 4 * Hp);
  const recCells = recordSection(rec, 4, T, step, recRow0, Hp), recHidden = recordSection(rec, 5, T, step, recRow0, Hp);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const zt = z + ((<usize>t * Hp) << 4);
    addRecurrent(zt, zRow, 64, h, B, H, u, 4, 0, 4);   // the whole product first: the update below writes h in place
    for (let b = 0; b < B; b++) {
      const zb = zt + <usize>b * zRow, row = <usize>b * hRow;
      if (!isReal(mask, b, t, T)) {   // padded: the state carries on
        if (rec != 0) {
          zeroRows(recGates + 4 * (<usize>t * step + row), 0, 1, 4 * Hp);
          copyFloats(recCells + <usize>t * step + row, c + row, Hp);
          copyFloats(recHidden + <usize>t * step + row, h + row, Hp);
        }
        continue;
      }
      if (mask != 0) store<f32>(seen + (<usize>b << 2), 1);
      for (let j = 0; j < Hp; j++) {
        const col = packedCol(j, 4), q = row + (<usize>j << 2);
        let i: f32 = 0, f: f32 = 0, g: f32 = 0, o: f32 = 0, cn: f32 = 0, hv: f32 = 0;
        if (j < H) {
          i = actF32(gateAct, load<f32>(zb + col));
          f = actF32(gateAct, load<f32>(zb + col, 16));
          g = actF32(act, load<f32>(zb + col, 32));
          o = actF32(gateAct, load<f32>(zb + col, 48));
          cn = f * load<f32>(c + q) + i * g;
          hv = o * actF32(act, cn);
        }
        store<f32>(c + q, cn);
        store<f32>(h + q, hv);
        if (rec != 0) {
          const r = recGates + 4 * (<usize>t * step + row) + col;
          store<f32>(r, i); store<f32>(r, f, 16); store<f32>(r, g, 32); store<f32>(r, o, 48);
          store<f32>(recCells + <usize>t * step + q, cn);
          store<f32>(recHidden + <usize>t * step + q, hv);
        }
      }
    }
    if (out != 0) {
      storeRows(out + ((<usize>t * outStride) << 2), T * outStride, h, Hp, B, H);
      if (mask != 0) zeroUnseen(out + ((<usize>t * outStride) << 2), T * outStride, seen, B, H);
    }
  }
  storeRows(hT, H, h, Hp, B, H);
  storeRows(cT, H, c, Hp, B, H);
}

/**
 * lstmBackward with activation codes (a = act(c), from the recorded c):
 *   dc   = dc_next + dh⊙o⊙act'(a)
 *   dz_i = dc⊙g⊙gate'(i)   dz_f = dc⊙c_{t−1}⊙gate'(f)
 *   dz_g = dc⊙i⊙act'(g)    dz_o = dh⊙a⊙gate'(o)
 *   dc_next ← dc⊙f,  dh_next ← dz·U
 * Arguments as lstmBackward (work: dh, dh_next, dc, c0, and with a mask the
 * rows' first real steps, [B][Hp] each).
 */
export function lstmBackwardAct(
  rec: usize, B: i32, T: i32, H: i32, u: usize, h0: usize, c0: usize,
  dout: usize, doutStride: i32, dhT: usize, dcT: usize, reverse: i32,
  dz: usize, hprev: usize, dh0: usize, dc0: usize, work: usize,
  gateAct: i32, act: i32, mask: usize, recRows: i32, recRow0: i32,
): void {
  const Hp = (H + 3) & ~3, hRow = <usize>Hp << 2, block = <usize>B * hRow;
  const step = recordStep(B, H, recRows);   // bytes of one step of the record (state.ts)
  let dh = work, dhNext = work + block;
  const dc = work + 2 * block, cInit = work + 3 * block, first = work + 4 * block;
  if (mask != 0) firstReal(first, mask, B, T, reverse);
  loadState(dh, dhT, B, H);
  loadState(dc, dcT, B, H);
  loadState(cInit, c0, B, H);
  const recGates = recordSection(rec, 0, T, step, recRow0, 4 * Hp);
  const cells = recordSection(rec, 4, T, step, recRow0, Hp), hidden = recordSection(rec, 5, T, step, recRow0, Hp);
  const dzRow = (<usize>T * Hp) << 4, doutRow = (<usize>T * doutStride) << 2;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const tPrev = s == 0 ? -1 : reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const row = <usize>b * hRow;
      const gates = recGates + 4 * (<usize>t * step + row);
      const cRow = cells + <usize>t * step + row;
      const cPrev = tPrev < 0 ? cInit + row : cells + <usize>tPrev * step + row;
      const dzb = dz + <usize>b * dzRow + ((<usize>t * Hp) << 4);
      const doutb = dout != 0 ? dout + <usize>b * doutRow + ((<usize>t * doutStride) << 2) : 0;
      if (!isReal(mask, b, t, T)) {   // padded: dh and dc go on, no pre-activation gradient
        zeroRows(dzb, 0, 1, 4 * Hp);
        carryGradient(dhNext + row, dh + row, doutb, s > load<i32>(first + (<usize>b << 2)), H, Hp);
        continue;
      }
      for (let j = 0; j < Hp; j++) {
        const col = packedCol(j, 4), q = <usize>j << 2;
        let dzi: f32 = 0, dzf: f32 = 0, dzg: f32 = 0, dzo: f32 = 0, dcn: f32 = 0;
        if (j < H) {
          const i = load<f32>(gates + col), f = load<f32>(gates + col, 16), g = load<f32>(gates + col, 32), o = load<f32>(gates + col, 48);
          const a = actF32(act, load<f32>(cRow + q));
          let dhv = load<f32>(dh + row + q);
          if (doutb != 0) dhv += load<f32>(doutb + q);
          const dcv = load<f32>(dc + row + q) + dhv * o * slopeF32(act, a);
          dzi = dcv * g * slopeF32(gateAct, i);
          dzf = dcv * load<f32>(cPrev + q) * slopeF32(gateAct, f);
          dzg = dcv * i * slopeF32(act, g);
          dzo = dhv * a * slopeF32(gateAct, o);
          dcn = dcv * f;
        }
        store<f32>(dzb + col, dzi); store<f32>(dzb + col, dzf, 16); store<f32>(dzb + col, dzg, 32); store<f32>(dzb + col, dzo, 48);
        store<f32>(dc + row + q, dcn);
        store<f32>(dhNext + row + q, 0);
      }
      addTransposed(dhNext + row, dzb, u, H, 4, 0, 4);
    }
    const tmp = dh; dh = dhNext; dhNext = tmp;
    storePrevious(hprev, t, tPrev, T, B, H, hidden, step, h0);
  }
  if (dh0 != 0) storeRows(dh0, H, dh, Hp, B, H);
  if (dc0 != 0) storeRows(dc0, H, dc, Hp, B, H);
}

// ── GRU ───────────────────────────────────────────────────────────────────

/**
 * gruRecur with activation codes, reset after (resetAfter = 1, gruRecur's
 * equations) or before the recurrent product (resetAfter = 0, Keras
 * reset_after=False):
 *   r = gate(z_r + U_r·h), u = gate(z_z + U_z·h), n = act(z_n + U_n·(r⊙h)),
 *   h = (1−u)⊙n + u⊙h
 * bh: the recurrent bias panels (reset after), or 0 for none.
 * rec: resetAfter = 1: gruRecur's record (gates ‖ a_n ‖ hidden);
 *      resetAfter = 0: gates r, z, n ‖ hidden, T·B·4·Hp floats.
 * work: h, a_n or r⊙h, and with a mask which rows have begun, [B][Hp] each.
 * Other arguments as gruRecur.
 */
export function gruRecurAct(
  z: usize, B: i32, T: i32, H: i32, u: usize, bh: usize, h0: usize,
  out: usize, outStride: i32, hT: usize, reverse: i32, work: usize, rec: usize,
  gateAct: i32, act: i32, resetAfter: i32, mask: usize, recRows: i32, recRow0: i32,
): void {
  const Hp = (H + 3) & ~3, hRow = <usize>Hp << 2, block = <usize>B * hRow;
  const step = recordStep(B, H, recRows);   // bytes of one step of the record (state.ts)
  const h = work, side = work + block;   // side: a_n (reset after) or r⊙h (before), [B][Hp]
  const seen = work + 2 * block;
  loadState(h, h0, B, H);
  if (mask != 0) zeroRows(seen, 0, 1, B);
  const zRow = <usize>T * Hp * 12;
  const recGates = recordSection(rec, 0, T, step, recRow0, 3 * Hp);
  const recAn = recordSection(rec, 3, T, step, recRow0, Hp);
  const recHidden = recordSection(rec, resetAfter ? 4 : 3, T, step, recRow0, Hp);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const zt = z + <usize>t * Hp * 12;
    addRecurrent(zt, zRow, 48, h, B, H, u, 3, 0, 2);         // r and u: z += U·h
    if (resetAfter) {
      zeroRows(side, B * Hp, 1, B * Hp);
      addRecurrent(side, hRow, 16, h, B, H, u, 3, 2, 3);     // a_n = U_n·h (+ b_hn below)
    } else {
      for (let b = 0; b < B; b++) {                          // r, then r⊙h for the candidate's product
        const zb = zt + <usize>b * zRow, row = <usize>b * hRow;
        for (let j = 0; j < Hp; j++) {
          const col = packedCol(j, 3), q = row + (<usize>j << 2);
          const r: f32 = j < H ? actF32(gateAct, load<f32>(zb + col)) : 0;
          store<f32>(zb + col, r);                           // z_r now holds r itself
          store<f32>(side + q, r * load<f32>(h + q));
        }
      }
      addRecurrent(zt + 32, zRow, 48, side, B, H, u, 3, 2, 3); // z_n += U_n·(r⊙h)
    }
    for (let b = 0; b < B; b++) {
      const zb = zt + <usize>b * zRow, row = <usize>b * hRow;
      if (!isReal(mask, b, t, T)) {   // padded: the state carries on
        if (rec != 0) {
          zeroRows(recGates + 3 * (<usize>t * step + row), 0, 1, 3 * Hp);
          if (resetAfter) zeroRows(recAn + <usize>t * step + row, 0, 1, Hp);
          copyFloats(recHidden + <usize>t * step + row, h + row, Hp);
        }
        continue;
      }
      if (mask != 0) store<f32>(seen + (<usize>b << 2), 1);
      for (let j = 0; j < Hp; j++) {
        const col = packedCol(j, 3), q = row + (<usize>j << 2);
        let r: f32 = 0, up: f32 = 0, n: f32 = 0, an: f32 = 0, hv: f32 = 0;
        if (j < H) {
          if (resetAfter) {
            const bcol = packedCol(j, 3);
            const br: f32 = bh != 0 ? load<f32>(bh + bcol) : 0;
            const bu: f32 = bh != 0 ? load<f32>(bh + bcol, 16) : 0;
            const bn: f32 = bh != 0 ? load<f32>(bh + bcol, 32) : 0;
            an = load<f32>(side + q) + bn;
            r = actF32(gateAct, load<f32>(zb + col) + br);
            up = actF32(gateAct, load<f32>(zb + col, 16) + bu);
            n = actF32(act, load<f32>(zb + col, 32) + r * an);
          } else {
            r = load<f32>(zb + col);
            up = actF32(gateAct, load<f32>(zb + col, 16));
            n = actF32(act, load<f32>(zb + col, 32));
          }
          hv = (1 - up) * n + up * load<f32>(h + q);
        }
        store<f32>(h + q, hv);
        if (rec != 0) {
          const g = recGates + 3 * (<usize>t * step + row) + col;
          store<f32>(g, r); store<f32>(g, up, 16); store<f32>(g, n, 32);
          if (resetAfter) store<f32>(recAn + <usize>t * step + q, an);
          store<f32>(recHidden + <usize>t * step + q, hv);
        }
      }
    }
    if (out != 0) {
      storeRows(out + ((<usize>t * outStride) << 2), T * outStride, h, Hp, B, H);
      if (mask != 0) zeroUnseen(out + ((<usize>t * outStride) << 2), T * outStride, seen, B, H);
    }
  }
  storeRows(hT, H, h, Hp, B, H);
}

/**
 * gruBackward with activation codes, for either GRU (see gruRecurAct):
 *   dn = dh⊙(1−u)⊙act'(n),  du = dh⊙(h_{t−1} − n)⊙gate'(u),  dh_next = dh⊙u + …
 * reset after:  dr = dn⊙a_n⊙gate'(r); dzx = [dr, du, dn]; dza = [dr, du, dn⊙r];
 *               dh_next += dza·U   (as gruBackward)
 * reset before: s = U_nᵀ·dn (∂L/∂(r⊙h)); dr = s⊙h_{t−1}⊙gate'(r);
 *               dzx = [dr, du, dn]; dza = [dr, du, 0] (→ U_r, U_z with hprev);
 *               dzn = [0, 0, dn] and rhprev = r⊙h_{t−1} (→ U_n: its input is r⊙h);
 *               dh_next += s⊙r + dza·U
 * dzn, rhprev: [B][T][3Hp] and [B][T][H], reset before only (0 otherwise).
 * work: dh, dh_next, h0 (padded), s, and with a mask the rows' first real
 * steps, [B][Hp] each. Others as gruBackward.
 */
export function gruBackwardAct(
  rec: usize, B: i32, T: i32, H: i32, u: usize, h0: usize,
  dout: usize, doutStride: i32, dhT: usize, reverse: i32,
  dzx: usize, dza: usize, hprev: usize, dh0: usize, work: usize,
  gateAct: i32, act: i32, resetAfter: i32, dzn: usize, rhprev: usize, mask: usize, recRows: i32, recRow0: i32,
): void {
  const Hp = (H + 3) & ~3, hRow = <usize>Hp << 2, block = <usize>B * hRow;
  const step = recordStep(B, H, recRows);   // bytes of one step of the record (state.ts)
  let dh = work, dhNext = work + block;
  const hInit = work + 2 * block, sBuf = work + 3 * block, first = work + 4 * block;
  if (mask != 0) firstReal(first, mask, B, T, reverse);
  loadState(dh, dhT, B, H);
  loadState(hInit, h0, B, H);
  const recGates = recordSection(rec, 0, T, step, recRow0, 3 * Hp);
  const recAn = recordSection(rec, 3, T, step, recRow0, Hp);
  const hidden = recordSection(rec, resetAfter ? 4 : 3, T, step, recRow0, Hp);
  const dzRow = <usize>T * Hp * 12, doutRow = (<usize>T * doutStride) << 2;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const tPrev = s == 0 ? -1 : reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const row = <usize>b * hRow;
      const gates = recGates + 3 * (<usize>t * step + row);
      const hPrev = tPrev < 0 ? hInit + row : hidden + <usize>tPrev * step + row;
      const x = dzx + <usize>b * dzRow + <usize>t * Hp * 12;
      const a = dza + <usize>b * dzRow + <usize>t * Hp * 12;
      const doutb = dout != 0 ? dout + <usize>b * doutRow + ((<usize>t * doutStride) << 2) : 0;
      if (!isReal(mask, b, t, T)) {   // padded: dh goes on, no pre-activation gradient
        zeroRows(x, 0, 1, 3 * Hp);
        zeroRows(a, 0, 1, 3 * Hp);
        if (!resetAfter) {
          zeroRows(dzn + <usize>b * dzRow + <usize>t * Hp * 12, 0, 1, 3 * Hp);
          zeroRows(rhprev + ((<usize>(b * T + t) * H) << 2), 0, 1, H);
        }
        carryGradient(dhNext + row, dh + row, doutb, s > load<i32>(first + (<usize>b << 2)), H, Hp);
        continue;
      }
      // first pass: dn, du, the direct path; for reset-after also dr
      for (let j = 0; j < Hp; j++) {
        const col = packedCol(j, 3), q = <usize>j << 2;
        let dr: f32 = 0, du: f32 = 0, dn: f32 = 0, dnr: f32 = 0, direct: f32 = 0;
        if (j < H) {
          const r = load<f32>(gates + col), up = load<f32>(gates + col, 16), n = load<f32>(gates + col, 32);
          let dhv = load<f32>(dh + row + q);
          if (doutb != 0) dhv += load<f32>(doutb + q);
          dn = dhv * (1 - up) * slopeF32(act, n);
          du = dhv * (load<f32>(hPrev + q) - n) * slopeF32(gateAct, up);
          if (resetAfter) {
            dr = dn * load<f32>(recAn + <usize>t * step + row + q) * slopeF32(gateAct, r);
            dnr = dn * r;
          }
          direct = dhv * up;
        }
        store<f32>(x + col, dr); store<f32>(x + col, du, 16); store<f32>(x + col, dn, 32);
        store<f32>(a + col, dr); store<f32>(a + col, du, 16); store<f32>(a + col, dnr, 32);
        store<f32>(dhNext + row + q, direct);
      }
      if (resetAfter) {
        addTransposed(dhNext + row, a, u, H, 3, 0, 3);
        continue;
      }
      // reset before: s = U_nᵀ·dn, then dr, and U_n's own gradient rows
      zeroRows(sBuf + row, Hp, 1, Hp);
      addTransposed(sBuf + row, x, u, H, 3, 2, 3);
      const n3 = dzn + <usize>b * dzRow + <usize>t * Hp * 12;
      const rh = rhprev + ((<usize>(b * T + t) * H) << 2);
      for (let j = 0; j < Hp; j++) {
        const col = packedCol(j, 3), q = <usize>j << 2;
        let dr: f32 = 0;
        if (j < H) {
          const r = load<f32>(gates + col), hp = load<f32>(hPrev + q), sj = load<f32>(sBuf + row + q);
          dr = sj * hp * slopeF32(gateAct, r);
          store<f32>(dhNext + row + q, load<f32>(dhNext + row + q) + sj * r);
          store<f32>(rh + q, r * hp);
        }
        store<f32>(x + col, dr);
        store<f32>(a + col, dr);
        store<f32>(n3 + col, 0); store<f32>(n3 + col, 0, 16); store<f32>(n3 + col, load<f32>(x + col, 32), 32);
      }
      addTransposed(dhNext + row, a, u, H, 3, 0, 2);
    }
    const tmp = dh; dh = dhNext; dhNext = tmp;
    storePrevious(hprev, t, tPrev, T, B, H, hidden, step, h0);
  }
  if (dh0 != 0) storeRows(dh0, H, dh, Hp, B, H);
}

// ── SimpleRNN ─────────────────────────────────────────────────────────────

/**
 * rnnRecur with any activation code: h = act(z_t + U·h). Arguments, work
 * and record as rnnRecur (work: h, and with a mask which rows have begun,
 * [B][Hp] each).
 */
export function rnnRecurAct(
  z: usize, B: i32, T: i32, H: i32, u: usize, h0: usize,
  out: usize, outStride: i32, hT: usize, reverse: i32, act: i32, work: usize, rec: usize, mask: usize, recRows: i32, recRow0: i32,
): void {
  const Hp = (H + 3) & ~3, hRow = <usize>Hp << 2, block = <usize>B * hRow;
  const step = recordStep(B, H, recRows);   // bytes of one step of the record (state.ts)
  const hidden = recordSection(rec, 0, T, step, recRow0, Hp);
  const h = work, seen = work + block;
  loadState(h, h0, B, H);
  if (mask != 0) zeroRows(seen, 0, 1, B);
  const zRow = (<usize>T * Hp) << 2;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const zt = z + ((<usize>t * Hp) << 2);
    addRecurrent(zt, zRow, 16, h, B, H, u, 1, 0, 1);
    for (let b = 0; b < B; b++) {
      const zb = zt + <usize>b * zRow, row = <usize>b * hRow;
      if (!isReal(mask, b, t, T)) {   // padded: the state carries on
        if (rec != 0) copyFloats(hidden + <usize>t * step + row, h + row, Hp);
        continue;
      }
      if (mask != 0) store<f32>(seen + (<usize>b << 2), 1);
      for (let j = 0; j < Hp; j++) {
        const q = <usize>j << 2;
        const hv: f32 = j < H ? actF32(act, load<f32>(zb + q)) : 0;
        store<f32>(h + row + q, hv);
        if (rec != 0) store<f32>(hidden + <usize>t * step + row + q, hv);
      }
    }
    if (out != 0) {
      storeRows(out + ((<usize>t * outStride) << 2), T * outStride, h, Hp, B, H);
      if (mask != 0) zeroUnseen(out + ((<usize>t * outStride) << 2), T * outStride, seen, B, H);
    }
  }
  storeRows(hT, H, h, Hp, B, H);
}

/**
 * rnnBackward with any activation code: dz = dh⊙act'(h_t), dh_next = dz·U.
 * Arguments as rnnBackward (work: dh, dh_next, and with a mask the rows' first
 * real steps, [B][Hp] each).
 */
export function rnnBackwardAct(
  rec: usize, B: i32, T: i32, H: i32, u: usize, h0: usize,
  dout: usize, doutStride: i32, dhT: usize, reverse: i32, act: i32,
  dz: usize, hprev: usize, dh0: usize, work: usize, mask: usize, recRows: i32, recRow0: i32,
): void {
  const Hp = (H + 3) & ~3, hRow = <usize>Hp << 2, block = <usize>B * hRow;
  const step = recordStep(B, H, recRows);   // bytes of one step of the record (state.ts)
  const hidden = recordSection(rec, 0, T, step, recRow0, Hp);
  let dh = work, dhNext = work + block;
  const first = work + 2 * block;
  loadState(dh, dhT, B, H);
  if (mask != 0) firstReal(first, mask, B, T, reverse);
  const dzRow = (<usize>T * Hp) << 2, doutRow = (<usize>T * doutStride) << 2;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const tPrev = s == 0 ? -1 : reverse ? t + 1 : t - 1;
    for (let b = 0; b < B; b++) {
      const row = <usize>b * hRow;
      const dzb = dz + <usize>b * dzRow + ((<usize>t * Hp) << 2);
      const doutb = dout != 0 ? dout + <usize>b * doutRow + ((<usize>t * doutStride) << 2) : 0;
      if (!isReal(mask, b, t, T)) {   // padded: dh goes on, no pre-activation gradient
        zeroRows(dzb, 0, 1, Hp);
        carryGradient(dhNext + row, dh + row, doutb, s > load<i32>(first + (<usize>b << 2)), H, Hp);
        continue;
      }
      for (let j = 0; j < Hp; j++) {
        const q = <usize>j << 2;
        let d: f32 = 0;
        if (j < H) {
          let dhv = load<f32>(dh + row + q);
          if (doutb != 0) dhv += load<f32>(doutb + q);
          d = dhv * slopeF32(act, load<f32>(hidden + <usize>t * step + row + q));
        }
        store<f32>(dzb + q, d);
        store<f32>(dhNext + row + q, 0);
      }
      addTransposed(dhNext + row, dzb, u, H, 1, 0, 1);
    }
    const tmp = dh; dh = dhNext; dhNext = tmp;
    storePrevious(hprev, t, tPrev, T, B, H, hidden, step, h0);
  }
  if (dh0 != 0) storeRows(dh0, H, dh, Hp, B, H);
}
