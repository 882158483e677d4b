/**
 * The `lstm-wasm` command as a user runs it (the built dist/cli.js in a
 * child process): the default forecast beats the naive baselines on the
 * held-out months, reproducibly; the seeds' recipe runs and says it is
 * under-trained; the saved model works with predict, summary and explain;
 * bad input gets one line, a non-zero exit and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Summary {
  data: { points: number; testPoints: number; testFrom: string };
  model: { parameters: number; backend: string };
  training: { epochs: number; loss: number[] };
  test: { rmse: number; baselines: Record<string, { rmse: number }>; beats: string[]; predictions: unknown[] };
  forecast: { label: string; value: number }[];
  files: Record<string, string>;
}

describe('lstm-wasm forecast', () => {
  let dir: string;
  let first: Summary;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-cli-'));
    const r = run(['forecast', '--json', '--out', 'out'], dir);
    expect(r.code, r.stderr).toBe(0);
    first = JSON.parse(r.stdout);
  });

  it('with the defaults beats persistence and seasonal naive on the last 29 months', () => {
    const b = first.test.baselines;
    console.log(`default forecast: test RMSE ${first.test.rmse.toFixed(2)}; baselines ${Object.entries(b).map(([k, v]) => `${k} ${v.rmse.toFixed(2)}`).join(', ')}`);
    expect(first.data).toMatchObject({ points: 144, testPoints: 29, testFrom: '1958-08' });
    expect(first.test.predictions).toHaveLength(29);
    expect(b['persistence (last value)'].rmse).toBeCloseTo(52.491, 2); // the toolkit's baselines on the same months
    expect(b['seasonal naive (12 before)'].rmse).toBeCloseTo(46.082, 2);
    expect(first.test.rmse).toBeLessThan(b['seasonal naive (12 before)'].rmse);
    expect(first.test.rmse).toBeLessThan(b['persistence (last value)'].rmse);
    expect(first.forecast).toHaveLength(12);
    expect(first.forecast[0].label).toBe('1961-01');
    for (const p of first.forecast) expect(p.value).toBeGreaterThan(300); // the next year continues the growth
  });

  it('is reproducible with the default seed', () => {
    const again = run(['forecast', '--json', '--out', 'out2'], dir);
    expect(again.code, again.stderr).toBe(0);
    const s: Summary = JSON.parse(again.stdout);
    expect(s.test.rmse).toBe(first.test.rmse);
    expect(s.forecast).toEqual(first.forecast);
  });

  it('writes the plot, the model and the summary; the plot is an SVG holding the series', () => {
    for (const f of ['forecast.svg', 'model.json', 'model.safetensors', 'summary.json']) expect(existsSync(join(dir, 'out', f)), f).toBe(true);
    const svg = readFileSync(join(dir, 'out', 'forecast.svg'), 'utf8');
    expect(svg).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const text of ['history', 'test: truth', 'test: LSTM, one step ahead', 'forecast: next 12', 'passengers', '1949-01', 'train | test']) expect(svg).toContain(text);
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('prints a report a newcomer can read, with progress lines when not on a terminal', () => {
    const r = run(['forecast', '--out', 'out3', '--epochs', '20'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/epoch 20\/20 +loss/);
    for (const text of ['airline-passengers', 'LSTM(50, all steps) → LSTM(100) → Dense(1)', 'Test, one step ahead', 'seasonal naive', 'Wrote']) expect(r.stdout).toContain(text);
  });

  it("runs the seeds' recipe and reports honestly that it is barely trained", () => {
    const r = run(['forecast', '--recipe', 'seeds', '--json', '--out', 'seeds'], dir);
    expect(r.code, r.stderr).toBe(0);
    const s: Summary = JSON.parse(r.stdout);
    console.log(`seeds' recipe: test RMSE ${s.test.rmse.toFixed(1)}`);
    expect(s.training.epochs).toBe(30);
    expect(s.test.beats).not.toContain('seasonal naive (12 before)');
    const text = run(['forecast', '--recipe', 'seeds', '--out', 'seeds'], dir).stdout;
    expect(text).toMatch(/beats none of the baselines|but not/);
  });

  it('predict, summary and explain use the saved model', () => {
    const p = run(['predict', '--model', 'out/model.json', '--json'], dir);
    expect(p.code, p.stderr).toBe(0);
    const pred = JSON.parse(p.stdout);
    expect(pred.forecast).toEqual(first.forecast); // same model, same history → the same next 12
    expect(pred.predictions.length).toBe(144 - 12 - 6);
    const s = run(['summary', '--model', 'out/model.json'], dir);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain(`Total params: ${first.model.parameters}`);
    const e = run(['explain', '--model', 'out/model.json', '--out', 'out', '--steps', '12'], dir);
    expect(e.code, e.stderr).toBe(0);
    const svg = readFileSync(join(dir, 'out', 'explain.svg'), 'utf8');
    for (const gate of ['forget gate f', 'input gate i', 'output gate o', 'candidate g', 'cell state c']) expect(svg).toContain(gate);
    expect(e.stdout).toContain('units keeping their memory');
  });
});

describe('lstm-wasm on bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-bad-'));
  writeFileSync(join(dir, 'words.csv'), 'month,value\n2020-01,12\n2020-02,abc\n2020-03,14\n');
  writeFileSync(join(dir, 'short.csv'), 'month,value\n' + Array.from({ length: 10 }, (_, i) => `2020-${String(i + 1).padStart(2, '0')},${10 + i}`).join('\n') + '\n');
  const cases: [string, string[], RegExp][] = [
    ['a missing file', ['forecast', '--csv', 'nope.csv'], /no such file: .*nope\.csv; give the path/],
    ['a non-numeric value', ['forecast', '--csv', 'words.csv'], /row 3, column "value": "abc" is not a number/],
    ['too few rows for the window', ['forecast', '--csv', 'short.csv'], /too few|needs at least/],
    ['an unknown option', ['forecast', '--windw', '5'], /Unknown option '--windw' for `forecast`; run `lstm-wasm forecast --help`/],
    ['a bad number', ['forecast', '--epochs', 'many'], /--epochs must be a whole number/],
    ['an unknown command', ['forcast'], /unknown command "forcast"/],
    ['a missing saved model', ['predict', '--model', 'none/model.json'], /no saved model at none\/model.json/],
  ];
  it.each(cases)('%s: one line, exit 1, no stack', (_, args, message) => {
    const r = run(args, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toMatch(/unexpected error/);
  });
});
