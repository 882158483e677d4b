// Cold start per contender (DESIGN's "cold"): fresh Node processes, each
// from import to the first W1 result (cold-child.js); the median over runs.
// bench/cold.js splits lstm-wasm's own cold start into its phases.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./cold-child.js', import.meta.url));

/** { median, min, runs } ms for one contender (module file relative to this folder, contender name). */
export function coldStart(file, name, runs, nodeArgs = []) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [...nodeArgs, CHILD, file, name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    ms.push(JSON.parse(r.stdout.trim().split('\n').at(-1)).ms);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[ms.length >> 1], min: ms[0], runs };
}
