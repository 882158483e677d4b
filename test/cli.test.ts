/**
 * The `lstm-wasm` command as a user runs it (the built dist/cli.js in a
 * child process): the default forecast beats the naive baselines on the
 * held-out months, reproducibly; the tutorials' recipe runs and says it is
 * under-trained; the saved model works with predict, summary and explain;
 * bad input gets one line, a non-zero exit and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectUserError, run } from './cli-run.js';

interface Summary {
  data: { points: number; testPoints: number; testFrom: string };
  warnings: string[];
  model: { parameters: number; backend: string };
  training: { epochs: number; loss: number[] };
  test: { rmse: number; baselines: Record<string, { rmse: number }>; baselinesNotComputed: { name: string; reason: string }[]; beats: string[]; predictions: unknown[]; forecastAhead: number[] };
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

  it('writes the plot, the model and the summary (and nothing else); the plot is an SVG holding the series', () => {
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['forecast.svg', 'model.json', 'model.safetensors', 'summary.json']);
    expect(first.warnings).toEqual([]);
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

  it("runs the tutorials' recipe and reports honestly that it is barely trained", () => {
    const r = run(['forecast', '--recipe', 'tutorial', '--json', '--out', 'tutorial'], dir);
    expect(r.code, r.stderr).toBe(0);
    const s: Summary = JSON.parse(r.stdout);
    console.log(`tutorials' recipe: test RMSE ${s.test.rmse.toFixed(1)}`);
    expect(s.training.epochs).toBe(30);
    expect(s.test.beats).not.toContain('seasonal naive (12 before)');
    const text = run(['forecast', '--recipe', 'tutorial', '--out', 'tutorial'], dir).stdout;
    expect(text).toMatch(/beats none of the baselines|but not/);
  });

  it('a reader that stops early (| head) does not crash the command', () => {
    // 5,000 forecast points make ~400 kB of JSON, more than a pipe holds, so writes after head exits fail with EPIPE
    const r = spawnSync('bash', ['-c', '"$0" "$@" 2>err.txt | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"', process.execPath, CLI, 'predict', '--model', 'out/model.json', '--json', '--horizon', '5000'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(readFileSync(join(dir, 'err.txt'), 'utf8')).toBe('');
    expect(r.stdout.trim()).toBe('0');
  });

  it.skipIf(!existsSync('/dev/full'))('output to a full disk (/dev/full) is a one-line error, not a crash', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, 'predict', '--model', 'out/model.json', '--json'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', full, 'pipe'], timeout: 120_000 });
      expectUserError({ code: r.status ?? -1, stdout: '', stderr: r.stderr }, /^lstm-wasm: cannot write to the standard output: ENOSPC/);
    } finally {
      closeSync(full);
    }
  });

  it('explain --at takes a label or a plain position, not a hexadecimal one', () => {
    expectUserError(run(['explain', '--model', 'out/model.json', '--out', 'out', '--at', '0x10'], dir), /--at "0x10" is neither a label of the series \(1949-01 … 1960-12\) nor a position 1 … 144/);
    const e = run(['explain', '--model', 'out/model.json', '--out', 'out', '--at', '16', '--steps', '3'], dir);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/1950-02 … 1950-04/);
  });

  it('predict with a log model on a series holding a 0 says why it cannot', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${2001 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${i === 20 ? 0 : 100 + i}`);
    writeFileSync(join(dir, 'zero.csv'), 'month,value\n' + rows.join('\n') + '\n');
    expectUserError(run(['predict', '--model', 'out/model.json', '--csv', 'zero.csv'], dir), /this model takes the log of the series, but point 21 \(2002-09\) is 0; it needs a series of positive values/);
  });

  it('predict, summary and explain use the saved model', () => {
    const p = run(['predict', '--model', 'out/model.json', '--json'], dir);
    expect(p.code, p.stderr).toBe(0);
    const pred = JSON.parse(p.stdout);
    // same model, same history → the same next 12 as the one-step model's own (the headline forecast is the backtested combination)
    expect(pred.forecast.map((p: { value: number }) => p.value)).toEqual(first.test.forecastAhead);
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
    expectUserError(run(args, dir), message);
  });
});

describe('lstm-wasm options are checked, strictly and before any work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-options-'));
  const cases: [string, string[], RegExp][] = [
    ['an empty --seed (not 0)', ['forecast', '--seed', ''], /--seed must be a whole number from 0 to 4,294,962, got ""/],
    ['a --seed with a space', ['forecast', '--seed', ' 5'], /--seed must be a whole number .*got " 5"/],
    ['a hexadecimal --seed', ['forecast', '--seed', '0x10'], /--seed must be a whole number .*got "0x10"/],
    ['--epochs in exponent form', ['forecast', '--epochs', '1e2'], /--epochs must be a whole number from 1 to 100,000, got "1e2"/],
    ['a hexadecimal --lr', ['forecast', '--lr', '0x10'], /--lr must be a positive decimal number such as 0\.001 or 1e-3, got "0x10"/],
    ['--lr Infinity', ['forecast', '--lr', 'Infinity'], /--lr must be a positive decimal number/],
    ['a hexadecimal --test', ['forecast', '--test', '0x1'], /--test must be a fraction/],
    ['--horizon past the forecaster\'s 100,000', ['forecast', '--horizon', '100001'], /--horizon must be a whole number from 0 to 100,000, got "100001"/],
    ['--epochs past 100,000', ['forecast', '--epochs', '100001'], /--epochs must be a whole number from 1 to 100,000/],
    ['a layer past 2,048 units', ['forecast', '--layers', '50,3000'], /--layers must be 1 to 8 comma-separated unit counts from 1 to 2,048/],
    ['more than 8 layers', ['forecast', '--layers', '1,2,3,4,5,6,7,8,9'], /--layers must be 1 to 8/],
    ['--window past 1,000', ['forecast', '--window', '1001'], /--window must be a whole number from 1 to 1,000/],
    ['--period past 100,000', ['forecast', '--period', '100001'], /--period must be a whole number from 1 to 100,000/],
    ['--batch-size past 1,048,576', ['forecast', '--batch-size', '1048577'], /--batch-size must be a whole number from 1 to 1,048,576/],
    ['--seed past 4,294,962 (the ensemble seeds would pass 32 bits)', ['forecast', '--seed', '4294963'], /--seed must be a whole number from 0 to 4,294,962/],
    ['predict --horizon past 100,000', ['predict', '--horizon', '100001'], /--horizon must be a whole number from 0 to 100,000/],
    ['explain --steps past 1,000', ['explain', '--steps', '1001'], /--steps must be a whole number from 1 to 1,000/],
    ['an option missing its value before another option', ['forecast', '--out', '--json'], /Option '--out' argument is ambiguous\. An option needs a value/],
    ['an empty --out (it meant the current folder)', ['forecast', '--out', ''], /--out is empty/],
    ['an empty --csv', ['forecast', '--csv', ''], /--csv is empty/],
    ['an empty --column', ['forecast', '--column', ''], /--column is empty/],
    ['a blank --date-column', ['forecast', '--date-column', ' '], /--date-column is blank/],
    ['an empty --model', ['summary', '--model', ''], /--model is empty/],
    ['the old --recipe seeds (easily taken for --seed)', ['forecast', '--recipe', 'seeds'], /--recipe seeds is now called --recipe tutorial/],
    ['an empty predict --csv', ['predict', '--csv', ''], /--csv is empty/],
    ['an empty explain --at', ['explain', '--at', ''], /--at is empty/],
  ];
  it.each(cases)('%s', (_, args, message) => {
    const r = run(args, dir);
    expectUserError(r, message);
    expect(r.stdout).toBe(''); // refused before the series was read or anything trained
    expect(readdirSync(dir)).toEqual([]); // and nothing written, not even an output folder
  });

  it('--lr 1e-3 and --test 0.25 are still plain decimals', () => {
    const r = run(['forecast', '--lr', '1e-3', '--test', '0.25', '--epochs', '1', '--horizon', '0', '--quiet', '--json', '--out', 'ok'], mkdtempSync(join(tmpdir(), 'lstm-wasm-ok-')));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).config).toMatchObject({ learningRate: 0.001, test: 0.25 });
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])('a command named %s is an unknown command', (name) => {
    expectUserError(run([name], dir), new RegExp(`unknown command "${name}"`));
  });
});

describe('lstm-wasm forecast says what it could not do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-honest-'));
  const monthly = (values: number[]) => 'month,value\n' + values.map((v, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${v}`).join('\n') + '\n';

  it('shows training warnings on stderr even with --quiet, and keeps them in the summary', () => {
    // lr 1: the loss explodes in the first epoch (200x the untrained model's) and then recovers
    const r = run(['forecast', '--lr', '1', '--epochs', '30', '--horizon', '0', '--quiet', '--json', '--out', 'warned'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^lstm-wasm: warning: the training loss exploded: /m);
    const s: Summary = JSON.parse(r.stdout);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/^the training loss exploded: /);
    expect(JSON.parse(readFileSync(join(dir, 'warned', 'summary.json'), 'utf8')).warnings).toEqual(s.warnings);
  });

  it('lists baselines it cannot compute instead of writing null scores, and compares only with the others', () => {
    // the test part starts at point 33 of 40, within the first --period of 35 points: no seasonal baseline
    writeFileSync(join(dir, 'season.csv'), monthly(Array.from({ length: 40 }, (_, i) => (100 + 10 * Math.sin(i / 2) + i).toFixed(3))));
    const args = ['forecast', '--csv', 'season.csv', '--difference', 'first', '--period', '35', '--epochs', '3', '--quiet', '--out', 'season'];
    const r = run([...args, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('null');
    expect(readFileSync(join(dir, 'season', 'summary.json'), 'utf8')).not.toContain('null');
    const s: Summary = JSON.parse(r.stdout);
    expect(Object.keys(s.test.baselines)).toEqual(['persistence (last value)']);
    expect(s.test.baselinesNotComputed.map((b) => b.name)).toEqual(['seasonal naive (35 before)', 'seasonal naive + last year-on-year change']);
    expect(s.test.baselinesNotComputed[0].reason).toMatch(/test part starts at point 33, so there is no full season of 35 points before it/);
    const text = run(args, dir).stdout;
    expect(text).toMatch(/seasonal naive \(35 before\) +not computed: /);
    expect(text).not.toMatch(/but not seasonal/); // it was not compared with them, so it cannot have lost to them
  });

  it('makes up no dates past the year 9999: the points beyond are labelled +1, +2, …', () => {
    // yearly dates that end in 9990: twelve more would pass the last year a date label can have
    const rows = Array.from({ length: 40 }, (_, i) => `${9951 + i}-01-01,${100 + (i % 7)}`);
    writeFileSync(join(dir, 'far.csv'), 'day,value\n' + rows.join('\n') + '\n');
    const r = run(['forecast', '--csv', 'far.csv', '--horizon', '12', '--epochs', '1', '--period', '2', '--window', '3', '--quiet', '--json', '--out', 'far'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).forecast.map((p: { label: string }) => p.label)).toEqual(Array.from({ length: 12 }, (_, k) => `+${k + 1}`));
  });
});

describe('lstm-wasm forecast on a flat series', () => {
  it('runs to the end (it died with "Fatal JavaScript invalid size error" drawing the chart) and calls a tie a tie', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-flat-'));
    const rows = Array.from({ length: 60 }, (_, i) => `${1950 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},100`);
    writeFileSync(join(dir, 'flat.csv'), 'month,value\n' + rows.join('\n') + '\n');
    const r = run(['forecast', '--csv', 'flat.csv', '--epochs', '5', '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['forecast.svg', 'model.json', 'model.safetensors', 'summary.json']);
    // every forecast of a constant is the constant, up to rounding: not "worse than repeating past values"
    expect(r.stdout).toMatch(/The LSTM forecasts as well as persistence \(last value\) and seasonal naive \(12 before\) and seasonal naive \+ last year-on-year change \(RMSE 0\.0\)\./);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.test.ties).toHaveLength(3);
    expect(summary.forecast.map((p: { value: number }) => Math.round(p.value))).toEqual(new Array(12).fill(100));
    expect(readFileSync(join(dir, 'out', 'forecast.svg'), 'utf8')).toMatch(/^<\?xml[\s\S]*<\/svg>\n$/);
  });
});

describe('lstm-wasm forecast on a test part of zeros', () => {
  it('reports no MAPE (it divides by the true values) instead of failing after training', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-zeros-'));
    const rows = Array.from({ length: 60 }, (_, i) => `${1950 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${i < 48 ? 5 + (i % 4) : 0}`);
    writeFileSync(join(dir, 'zeros.csv'), 'month,count\n' + rows.join('\n') + '\n');
    const r = run(['forecast', '--csv', 'zeros.csv', '--transform', 'none', '--epochs', '3', '--quiet', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(Object.keys(summary.test)).not.toContain('mape');
    expect(summary.test.smape).toBeGreaterThan(0);
    for (const b of Object.values(summary.test.baselines) as Record<string, number>[]) expect(Object.keys(b)).toEqual(['rmse', 'mae', 'smape']);
    const text = run(['forecast', '--csv', 'zeros.csv', '--transform', 'none', '--epochs', '3', '--quiet', '--out', 'out2'], dir);
    expect(text.stdout).toMatch(/ {2}LSTM +\d+\.\d +\d+\.\d + —/);
  });
});
