/**
 * out[c][r] = x[r][c] for x [rows][cols]: setWeights' packing (see
 * src/weights/blocks.ts). A panel of the packed weights, [K][G][4], is the
 * transpose of its 4·G rows of PyTorch's gate-major matrix, [G][4][K]; the
 * layer copies those rows into the heap and this writes the panel.
 *
 * It is here, and not a loop in JS, for a fresh process: setWeights runs
 * once, before V8 has optimized any JS, and a loop over every weight runs
 * interpreted there (about 4× slower than this function's baseline code,
 * most of the weights phase of a cold start: issue 12). Pure data movement,
 * the same code in every build.
 */
export function transpose(x: usize, rows: i32, cols: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * cols) << 2);
    for (let c = 0; c < cols; c++) {
      store<f32>(out + ((<usize>c * rows + r) << 2), load<f32>(row + (<usize>c << 2)));
    }
  }
}
