/**
 * The cell table's entry type. LSTM, GRU and SimpleRNN layers are one
 * RecurrentLayer around a CellSpec, defined next to the cell's equations
 * (lstm.ts, gru.ts, simple-rnn.ts): everything the layer, the weight
 * formats and the record need to know about a cell is here, and the layer
 * never asks which cell it runs. A variant (a hard-sigmoid LSTM, a GRU with
 * the reset gate before the matmul) is an entry made from the layer's
 * options (lstmCell, gruCell, rnnCell): the defaults run the fused fast
 * kernels, the others the generic *Act kernels (assembly/variants.ts).
 */
import type { CellActivation, GateActivation, Kernels, TrainingKernels } from '../backend/kernels.js';
import type { RecordSections } from '../backend/record-layout.js';

/** Heap pointers of a state to start from and to leave the final one in (they may be the same). */
export interface HeapState {
  h0: number;
  c0: number;
  hT: number;
  cT: number;
}

/** One forward recurrence over T steps (the arguments of the kernels in backend/kernels.ts). */
export interface RecurCall {
  /** Projected inputs [B][T][G·Hp] (x·W_xᵀ + b, from `project`). */
  z: number;
  B: number;
  T: number;
  H: number;
  /** Recurrent weight panels. */
  u: number;
  /** Recurrent bias panels, or 0 for a cell without one. */
  bh: number;
  /** Initial state (0 pointers for zeros) and where the final one goes; c only for a cell with a cell state. */
  state: HeapState;
  /** h_t of every step at out + 4·((b·T + t)·outStride), or 0 for none. */
  out: number;
  outStride: number;
  /** 1 to walk time backwards (Bidirectional's twin). */
  reverse: number;
  work: number;
  /** The training record to fill, or 0. */
  rec: number;
  /** [B][T] floats, 1 for a real step and 0 for a padded one, or 0 for none (kernels.ts, the *Act kernels). */
  mask: number;
}

/** One backward pass through time from a recorded forward recurrence. */
export interface BackwardCall {
  rec: number;
  B: number;
  T: number;
  H: number;
  u: number;
  /** The initial state the recorded run started from (0 for zeros). */
  h0: number;
  c0: number;
  /** ∂L/∂h_t of every step (stride doutStride), or 0. */
  dout: number;
  doutStride: number;
  /** ∂L/∂(final h), or 0. */
  dhT: number;
  reverse: number;
  /** Out: ∂L/∂(input pre-activations) [B][T][G·Hp]. */
  dz: number;
  /** Out: ∂L/∂(recurrent pre-activations); the same buffer as dz unless the cell keeps a recurrent bias. */
  dzh: number;
  /** Out: the h_{t−1} each step started from [B][T][H]. */
  hprev: number;
  /**
   * Out, only for a cell whose candidate reads r⊙h (`resetBeforeProduct`; else 0): the
   * gradient of that product's pre-activation [B][T][G·Hp] and its input r⊙h_{t−1} [B][T][H].
   */
  dzn: number;
  rhprev: number;
  work: number;
  /** The mask of the recorded run, or 0. */
  mask: number;
}

export interface CellSpec {
  /** What a recurrence computes per unit, in PyTorch's order (the blocks of weight_ih's rows): LSTM i, f, g, o; GRU r, z, n; RNN one. */
  readonly gates: readonly string[];
  /** Keras's gate blocks, as indices into `gates` (GRU: z, r, h). */
  readonly kerasOrder: readonly number[];
  /**
   * The recurrent product keeps its own bias (GRU: the reset gate sits between it and n), so
   * backward gives it its own pre-activation gradient and PyTorch's two biases are not summed.
   */
  readonly recurrentBias: boolean;
  /** Whether the cell carries a c state besides h. */
  readonly cellState: boolean;
  /**
   * The candidate's recurrent product reads r⊙h_{t−1}, not h_{t−1} (GRU reset-before): backward
   * then gives U's candidate block its own input rows and gradient (BackwardCall dzn, rhprev).
   */
  readonly resetBeforeProduct: boolean;
  /** The activation of the candidate and state (LSTM g and h = o⊙act(c), GRU n, SimpleRNN h). */
  readonly activation: CellActivation;
  /** The gates' activation (LSTM i, f, o; GRU r, z; 'sigmoid' for SimpleRNN, which has none). */
  readonly gateActivation: GateActivation;
  /** What the training record holds (backend/record-layout.ts). */
  readonly record: RecordSections;
  /** Record states the kernels need but `forward(x, { record: true })` does not show (GRU's a_n). */
  readonly internalStates: readonly string[];
  /** Run the cell's recurrence kernel. */
  recur(k: Kernels, c: RecurCall): void;
  /** Run the cell's backward-through-time kernel. */
  backward(k: TrainingKernels, c: BackwardCall): void;
}
