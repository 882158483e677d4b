/**
 * No runtime import cycles in dist/ (issue 10): a module that imports one
 * that imports it back runs with half-initialized bindings, and a bundler
 * cannot drop either side. The graph is read from the built JavaScript, so
 * it holds only runtime imports (tsc erases `import type`).
 *
 * Needs the build (`npm run build`), as `npm test` does first.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));

/** Every .js file under `dir`, with the relative modules it imports (static, re-exports and literal dynamic imports). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.js')) {
        const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
        const local = importedFiles.map((f) => f.fileName).filter((f) => f.startsWith('./') || f.startsWith('../'));
        graph.set(path, local.map((f) => resolve(dirname(path), f)).filter((f) => f.endsWith('.js')));
      }
    }
  };
  walk(dir);
  return graph;
}

/** Each cycle once, as the chain of files from its first module back to it (Tarjan's strongly connected components, then one path through each). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(c);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  // name each component by one cycle through it: a shortest path from its first module back to itself
  return components.map((c) => {
    const inside = new Set(c), start = [...c].sort()[0];
    const from = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(from.get(path[0])!);
          return [...path, start];
        }
        if (inside.has(w) && !from.has(w)) {
          from.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

const show = (root: string, cycle: string[]): string => cycle.map((f) => relative(root, f)).join(' → ');

describe('import cycles', () => {
  it('dist/ has no runtime import cycle', () => {
    if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const graph = importGraph(DIST);
    // the walk sees the real graph: the full Sequential reaches the trainer and the model files, the entry the model
    expect(graph.get(join(DIST, 'model/sequential.js'))).toEqual(expect.arrayContaining([join(DIST, 'train/trainer.js'), join(DIST, 'io/model-file.js')]));
    expect(graph.get(join(DIST, 'entry/predict-browser.js'))).toContain(join(DIST, 'predict.js'));
    expect(cycles(graph).map((c) => show(DIST, c))).toEqual([]);
  });

  it('the predict entry reaches no training, optimizer, loss or model-file code', () => {
    const graph = importGraph(DIST);
    const seen = new Set<string>();
    const reach = (v: string): void => {
      if (seen.has(v)) return;
      seen.add(v);
      for (const w of graph.get(v) ?? []) reach(w);
    };
    reach(join(DIST, 'entry/predict-browser.js'));
    const reached = [...seen].map((f) => relative(DIST, f));
    expect(reached).toContain('model/core.js');
    expect(reached.filter((f) => f.startsWith('train/') || f === 'io/model-file.js' || f === 'model/sequential.js')).toEqual([]);
  });

  it('finds and names a cycle when there is one (a → b → c → a, beside an acyclic d)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-cycles-'));
    try {
      writeFileSync(join(dir, 'a.js'), "import { b } from './b.js';\nexport const a = () => b;\n");
      writeFileSync(join(dir, 'b.js'), "export { c as b } from './c.js';\n");
      writeFileSync(join(dir, 'c.js'), "import './a.js';\nimport type_only from './d.js';\nexport const c = 1;\n");
      writeFileSync(join(dir, 'd.js'), 'export default 1;\n');
      expect(cycles(importGraph(dir)).map((c) => show(dir, c))).toEqual(['a.js → b.js → c.js → a.js']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
