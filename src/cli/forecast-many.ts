/** `lstm-wasm forecast --id-column NAME` or `--column A,B,C`: many series, one global LSTM. (Being written.) */
import { cliFail, type OptionValues } from './args.js';

export async function forecastManyCommand(_a: OptionValues): Promise<void> {
  cliFail('many series: not yet');
}
