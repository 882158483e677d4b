/**
 * int8 inference (model.quantize('int8')): the LSTM's two products with
 * int8 weights and int8 activations, int32 sums, dequantized before the
 * bias and the gates. Contract: QuantizedKernels in src/quantize/contract.ts;
 * reference: src/backend/js/quantized.ts. Built as a module of its own
 * (int8.ts) that quantize loads over the backend's memory, so that neither
 * the full nor the inference-only builds carry them.
 *
 * The scheme (onnxruntime's DynamicQuantizeLSTM, with symmetric int8
 * activations where it uses asymmetric uint8):
 *   weights, once (in TypeScript): each output row of W and U (one gate of
 *     one unit) has its own scale s_w = max|w|/127 and q_w = round(w/s_w);
 *   activations, per call (x_t) and per step (h_{t−1}), each batch row
 *     alone: s_a = max|a|/127, q_a = round(a/s_a) (round half to even), in
 *     [−127, 127];
 *   z = b + (Σ_k q_a[k]·q_w[k]) · (s_w·s_a), the sum exact in int32.
 *
 * The packed int8 layout (int8 panels): panel p holds the 4 gates of
 * units 4p..4p+3 over K' = roundUp4(K) inputs as K'/4 groups of 64 bytes,
 * group q holding inputs 4q..4q+3 as 16 bytes per gate g (i, f, g, o):
 *
 *     byte 16g + 2l + (k&1) + 8·(k>>1 & 1)  of group q  =  q_w[gate g, unit 4p+l][4q + k&3]
 *
 * i.e. within a gate's 16 bytes the low 8 are the pairs (k0, k1) of lanes
 * 0..3, the high 8 the pairs (k2, k3). Panel p starts at 16·K'·p bytes. Why:
 * the SIMD instruction for int8 sums is i32x4.dot_i16x8_s, which multiplies
 * eight i16 lanes and adds neighbouring pairs into four i32 lanes. Load the
 * low 8 of a gate's 16 bytes widened to i16 (v128.load8x8_s, one x64
 * pmovsxbw from memory): lane l holds q_w at (k0, k1) of unit l; the
 * activations' pair (k0, k1), two i16 side by side, splats to all four
 * lanes by one v128.load32_splat; the dot gives four units' Σ over k0, k1.
 * The high 8 bytes do k2, k3. So 16 bytes of weights feed 16 multiply-adds,
 * where an f32 panel's 16 bytes feed 4: U streams four times fewer bytes,
 * which is what a batch-1 step waits on; and a panel is one contiguous
 * stream, like the f32 panels (index.ts).
 * Quantized activations are kept as i16 (int8 values) for that splat.
 * Padded inputs k ≥ K are 0 in both operands; padded units have q_w = 0 and
 * s_w = 0, and the cell forces their state to 0.
 */
import { sigmoidRr2P5, tanhExpm1Rr2P6, vsigmoid, vtanh } from './activations';
import { madd } from './madd';
import { laneMask, loadState, storeRows } from './state';

// ── quantizing activations ───────────────────────────────────────────────

/**
 * rows of x (row r at x + 4·r·stride, any alignment, K floats) → q: [rows][Kq] i16
 * (Kq = roundUp4(K); zeros past K) and scales[r] = max|x_r|/127 (0 for an all-zero row).
 */
export function quantizeRows(x: usize, rows: i32, K: i32, stride: i32, q: usize, scales: usize): void {
  const Kq = (K + 3) & ~3;
  for (let r = 0; r < rows; r++) {
    const src = x + ((<usize>r * stride) << 2);
    const dst = q + ((<usize>r * Kq) << 1);
    store<f32>(scales + (<usize>r << 2), quantizeRow(src, K, dst));
    for (let k = K; k < Kq; k++) store<i16>(dst + (<usize>k << 1), 0);
  }
}

/** One row: returns its scale. Rounds with f32.nearest (half to even) in both builds. */
function quantizeRow(src: usize, K: i32, dst: usize): f32 {
  let m: f32 = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    let mv = f32x4.splat(0);
    for (; k + 4 <= K; k += 4) mv = f32x4.max(mv, f32x4.abs(v128.load(src + (<usize>k << 2))));
    m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  }
  for (; k < K; k++) m = max(m, abs(load<f32>(src + (<usize>k << 2))));
  // NaN in the row: m is NaN, so is the scale, and so every sum it dequantizes
  const inv: f32 = m > 0 ? <f32>127 / m : 0;
  k = 0;
  if (ASC_FEATURE_SIMD) {
    const iv = f32x4.splat(inv);
    for (; k + 8 <= K; k += 8) {
      const a = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (<usize>k << 2)), iv)));
      const b = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (<usize>k << 2), 16), iv)));
      v128.store(dst + (<usize>k << 1), i16x8.narrow_i32x4_s(a, b));
    }
  }
  for (; k < K; k++) store<i16>(dst + (<usize>k << 1), <i16><i32>nearest<f32>(load<f32>(src + (<usize>k << 2)) * inv));
  return m / 127;
}

// ── one panel: int8 sums, dequantized ────────────────────────────────────

/**
 * dst[g][l] = b[g][l] + (Σ_k a[k]·w[k][g][l]) · (wscale[g][l]·sa) for the 4 gates g of the 4
 * units l of a panel: a: [Kq] i16 (one quantized row), w: the panel [Kq/4][4][16] i8,
 * wscale, b, dst: [4][4] f32 (b may be 0). Four accumulators, one per gate: four independent
 * add chains, and each activation pair is splat once for all four.
 * A call, not inlined: it runs once per panel and row, its k loop is Kq/4 long.
 */
function dequantPanel(a: usize, w: usize, Kq: i32, wscale: usize, sa: f32, b: usize, dst: usize): void {
  if (ASC_FEATURE_SIMD) {
    let si = i32x4.splat(0), sf = i32x4.splat(0), sg = i32x4.splat(0), so = i32x4.splat(0);
    const end = w + (<usize>Kq << 4);
    while (w < end) {
      const x01 = v128.load32_splat(a), x23 = v128.load32_splat(a, 4);
      si = i32x4.add(si, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(w), x01), i32x4.dot_i16x8_s(v128.load8x8_s(w, 8), x23)));
      sf = i32x4.add(sf, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(w, 16), x01), i32x4.dot_i16x8_s(v128.load8x8_s(w, 24), x23)));
      sg = i32x4.add(sg, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(w, 32), x01), i32x4.dot_i16x8_s(v128.load8x8_s(w, 40), x23)));
      so = i32x4.add(so, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(w, 48), x01), i32x4.dot_i16x8_s(v128.load8x8_s(w, 56), x23)));
      a += 8; w += 64;
    }
    const s = f32x4.splat(sa), zero = f32x4.splat(0);
    v128.store(dst, madd(f32x4.convert_i32x4_s(si), f32x4.mul(v128.load(wscale), s), b != 0 ? v128.load(b) : zero));
    v128.store(dst, madd(f32x4.convert_i32x4_s(sf), f32x4.mul(v128.load(wscale, 16), s), b != 0 ? v128.load(b, 16) : zero), 16);
    v128.store(dst, madd(f32x4.convert_i32x4_s(sg), f32x4.mul(v128.load(wscale, 32), s), b != 0 ? v128.load(b, 32) : zero), 32);
    v128.store(dst, madd(f32x4.convert_i32x4_s(so), f32x4.mul(v128.load(wscale, 48), s), b != 0 ? v128.load(b, 48) : zero), 48);
  } else {
    // the same sums one column at a time (int32 arithmetic is exact, so equal to the SIMD ones)
    for (let c = 0; c < 16; c++) {
      const col = (<usize>(c >> 2) << 4) + (<usize>(c & 3) << 1);   // gate c>>2, unit c&3 in a group
      let sum: i32 = 0;
      for (let q = 0; q < Kq; q += 4) {
        const g = w + (<usize>q << 4) + col, x = a + (<usize>q << 1);
        sum += <i32>load<i16>(x) * <i32>load<i8>(g) + <i32>load<i16>(x, 2) * <i32>load<i8>(g, 1)
          + <i32>load<i16>(x, 4) * <i32>load<i8>(g, 8) + <i32>load<i16>(x, 6) * <i32>load<i8>(g, 9);
      }
      const o = <usize>c << 2;
      store<f32>(dst + o, <f32>sum * (load<f32>(wscale + o) * sa) + (b != 0 ? load<f32>(b + o) : 0));
    }
  }
}

// ── the projection ───────────────────────────────────────────────────────

/**
 * The int8 twin of `project` for LSTM panels (4 gates):
 *   out[r][p][g][l] = bias[p][g][l] + (Σ_k q_x[r][k]·q_w[p][k][g][l]) · (wscale[p][g][l]·s_x[r])
 * x: [rows, K] f32 (any alignment); w8: int8 panels (header) of K; wscale, bias: [panels][4][4]
 * (bias may be 0); out: [rows][panels·16]. work: roundUp4(K)/2 + 4 floats (one quantized row).
 */
export function projectInt8(x: usize, rows: i32, K: i32, w8: usize, panels: i32, wscale: usize, bias: usize, out: usize, work: usize): void {
  const Kq = (K + 3) & ~3;
  const scale = work + (<usize>Kq << 1);
  for (let r = 0; r < rows; r++) {
    quantizeRows(x + ((<usize>r * K) << 2), 1, K, K, work, scale);
    const sa = load<f32>(scale);
    const o = out + ((<usize>r * panels) << 6);
    for (let p = 0; p < panels; p++) {
      const col = <usize>p << 6;
      dequantPanel(work, w8 + ((<usize>p * Kq) << 4), Kq, wscale + col, sa, bias != 0 ? bias + col : 0, o + col);
    }
  }
}

// ── the LSTM recurrence ──────────────────────────────────────────────────

/**
 * lstmRecur with U in int8 panels (gates i, f, g, o):
 *   [i f g o] = z_t + (Σ_k q_h[k]·q_u[k]) · (uscale ⊙ s_h),  q_h, s_h: h_{t−1} quantized per row
 * then the cell as lstmRecur (σ, tanh; c = f⊙c + i⊙g; h = o⊙tanh c). No record, no mask.
 * z, h0, c0, out, outStride, hT, cT, reverse as lstmRecur; uscale: [Hp/4][4][4].
 * work: qRecurWorkFloats(B, H) = roundUp4(3·B·Hp + B·Hp/2 + B) + 16 floats:
 *   h_{t−1}, h_t, c ([B][Hp] f32 each) ‖ q_h [B][Hp] i16 ‖ s_h [B] f32 ‖ pre [4][4] f32, one
 *   panel's dequantized gates between the sums and the cell (scratch in work, not static
 *   data: two calls on one memory, as threads make them, must not share it).
 */
export function lstmRecurInt8(
  z: usize, B: i32, T: i32, H: i32, u8: usize, uscale: usize, h0: usize, c0: usize,
  out: usize, outStride: i32, hT: usize, cT: usize, reverse: i32, work: usize,
): void {
  const Hp = (H + 3) & ~3;
  const block = (<usize>B * Hp) << 2;
  let h = work;
  let hNext = work + block;
  const c = work + 2 * block;
  const hq = work + 3 * block;
  const hs = hq + (block >> 1);
  const pre = work + ((((<usize>B * Hp * 7) >> 1) + <usize>B + 3) & ~3) * 4;
  loadState(h, h0, B, H);
  loadState(c, c0, B, H);
  const zRow = (<usize>T * Hp) << 4;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    quantizeRows(h, B, Hp, Hp, hq, hs);
    lstmStepInt8(z + ((<usize>t * Hp) << 4), zRow, B, H, u8, uscale, hq, hs, hNext, c, pre);
    const tmp = h; h = hNext; hNext = tmp;
    if (out != 0) storeRows(out + ((<usize>t * outStride) << 2), T * outStride, h, Hp, B, H);
  }
  storeRows(hT, H, h, Hp, B, H);
  storeRows(cT, H, c, Hp, B, H);
}

/** One step, panels outer: a panel (16·Hp bytes) stays in L1 while every row passes over it. */
function lstmStepInt8(zt: usize, zRow: usize, B: i32, H: i32, u8: usize, uscale: usize, hq: usize, hs: usize, hNext: usize, c: usize, pre: usize): void {
  const Hp = (H + 3) & ~3;
  for (let p = 0; p < Hp >> 2; p++) {
    const w = u8 + ((<usize>p * Hp) << 4);
    for (let b = 0; b < B; b++) {
      dequantPanel(hq + ((<usize>b * Hp) << 1), w, Hp, uscale + (<usize>p << 6), load<f32>(hs + (<usize>b << 2)), zt + <usize>b * zRow + (<usize>p << 6), pre);
      lstmCellInt8(pre, c + ((<usize>(b * Hp + 4 * p)) << 2), hNext + ((<usize>(b * Hp + 4 * p)) << 2), H - 4 * p);
    }
  }
}

/**
 * The cell update of 4 units from their pre-activations pre [4][4] (lstm.ts's equations, no
 * record): c in place, h_t to hn; units past H (l ≥ valid) forced to 0. The SIMD build
 * inlines σ and tanh (activations.ts) as lstm.ts's cell does: called through vsigmoid/vtanh
 * instead, W1's int8 recurrence took 1.4 times as long. The scalar build calls them (its
 * bit-identical twins): it is the fallback, and the calls keep it small.
 */
function lstmCellInt8(pre: usize, c: usize, hn: usize, valid: i32): void {
  if (ASC_FEATURE_SIMD) {
    const mask = laneMask(valid);
    const i = v128.and(sigmoidRr2P5(v128.load(pre)), mask);
    const f = v128.and(sigmoidRr2P5(v128.load(pre, 16)), mask);
    const g = v128.and(tanhExpm1Rr2P6(v128.load(pre, 32)), mask);
    const o = v128.and(sigmoidRr2P5(v128.load(pre, 48)), mask);
    const cn = f32x4.add(f32x4.mul(f, v128.load(c)), f32x4.mul(i, g));
    v128.store(c, cn);
    v128.store(hn, f32x4.mul(o, tanhExpm1Rr2P6(cn)));
    return;
  }
  vsigmoid(pre, pre, 8);             // i, f
  vtanh(pre + 32, pre + 32, 4);      // g
  vsigmoid(pre + 48, pre + 48, 4);   // o
  for (let l = 0; l < 4; l++) {      // c = f⊙c + i⊙g, also into pre's i row for tanh(c)
    const q = <usize>l << 2;
    const cn: f32 = l < valid ? load<f32>(pre + q, 16) * load<f32>(c + q) + load<f32>(pre + q) * load<f32>(pre + q, 32) : 0;
    store<f32>(c + q, cn);
    store<f32>(pre + q, cn);
  }
  vtanh(pre, pre, 4);
  for (let l = 0; l < 4; l++) {      // h = o⊙tanh(c)
    const q = <usize>l << 2;
    store<f32>(hn + q, l < valid ? load<f32>(pre + q, 48) * load<f32>(pre + q) : 0);
  }
}
