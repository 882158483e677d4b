// One cold start, in a fresh process: import the contender (and through its
// load(), its framework) → set up W1 from the shared weights → the first
// result. Prints { ms }. Run by cold.js as
//   node bench/peers/cold-child.js MODULE NAME
import { input, lstmWeights, W1 } from './workloads.js';

const [file, name] = process.argv.slice(2);
const weights = lstmWeights(W1), x = input(W1); // the data an app would already have: not counted
const t0 = performance.now();
const m = await import(new URL(file, import.meta.url).href);
const c = (m.contenders ? m.contenders() : [m.contender]).find((k) => k.name === name);
if (!c) throw new Error(`cold-child: no contender ${name} in ${file}`);
await c.load();
const f = await c.forward(W1, weights, x);
await f.run();
const ms = performance.now() - t0;
if (!(f.output().length > 0)) throw new Error('cold-child: no output');
console.log(JSON.stringify({ ms }));
process.exit(0); // some runtimes keep worker threads alive
