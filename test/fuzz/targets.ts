/** Every fuzz target, in the order `npm run fuzz` and test/fuzz.test.ts run them. */
import type { Target } from './common.js';
import { csv } from './csv.js';
import { safetensors } from './safetensors.js';
import { modelJson } from './model-json.js';
import { cliArgs } from './cli-args.js';
import { models } from './models.js';
import { kerasFiles } from './keras-files.js';

export const TARGETS: Target<any>[] = [csv, safetensors, modelJson, cliArgs, models, kerasFiles];
