/**
 * What the CLI does with files when things go wrong: a forecast that fails
 * (a write cut short by `ulimit -f`, a read-only folder, a result that is
 * not a number) leaves the previous model byte for byte; a model.json
 * beside weights from another save is refused; every field of model.json
 * is checked; files that are folders, pipes, unreadable, too large, too
 * long or not UTF-8 are one-line errors, never a crash or a hang.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectUserError, isRoot, NOBODY, run, snapshot } from './cli-run.js';
import { throwsLW } from './helpers.js';
import { loadSeries } from '../src/cli/files.js';
import { CliError } from '../src/cli/args.js';

/** A folder the unprivileged user can enter too (mkdtemp makes it private). */
function openTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** As root, permissions do not stop writes: the read-only tests then run as `nobody`, if that user can run the CLI here. */
const canDropRoot = isRoot && spawnSync(process.execPath, [CLI, '--help'], { uid: NOBODY, gid: NOBODY }).status === 0;
const permissionsApply = process.platform !== 'win32' && (!isRoot || canDropRoot);

function monthlyCsv(values: number[]): string {
  return 'month,value\n' + values.map((v, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${v}`).join('\n') + '\n';
}

describe.skipIf(process.platform === 'win32')('a forecast that fails leaves the previous one as it was', () => {
  let dir: string, out: string;
  let before: Record<string, string>;
  let predicted: string;
  const first = ['forecast', '--out', 'out', '--epochs', '5', '--quiet'];
  /** A forecast that, if it got through, would replace the model with a different one. */
  const second = ['forecast', '--out', 'out', '--epochs', '5', '--seed', '2', '--quiet'];

  beforeAll(() => {
    dir = openTempDir('lstm-wasm-atomic-');
    out = join(dir, 'out');
    const r = run(first, dir);
    expect(r.code, r.stderr).toBe(0);
    before = snapshot(out);
    const p = run(['predict', '--model', 'out/model.json', '--json'], dir);
    expect(p.code, p.stderr).toBe(0);
    predicted = p.stdout;
  });

  function expectUnchanged(): void {
    expect(snapshot(out)).toEqual(before); // the same bytes, and no temporary or half-written file beside them
    const p = run(['predict', '--model', 'out/model.json', '--json'], dir);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toBe(predicted);
  }

  it('writes the four files and nothing else', () => {
    expect(Object.keys(before)).toEqual(['forecast.svg', 'model.json', 'model.safetensors', 'summary.json']);
  });

  it('when the weights cannot be written in full (ulimit -f 100: node ignores SIGXFSZ, the write fails with EFBIG)', () => {
    const r = run(second, dir, { maxFileKiB: 100 }); // the plot, model.json and summary fit; the 280 KiB of weights do not
    expectUnchanged();
    expectUserError(r, /cannot write .*model\.safetensors: the file would be larger than this process may write \(ulimit -f\); nothing in .* was changed/);
  });

  it('when not even the plot can be written (ulimit -f 4)', () => {
    const r = run(second, dir, { maxFileKiB: 4 });
    expectUnchanged();
    expectUserError(r, /cannot write .*forecast\.svg: .*ulimit -f/);
  });

  it.skipIf(!permissionsApply)('when the output folder is read-only', () => {
    chmodSync(out, 0o555);
    let r;
    try {
      r = run(second, dir, { asNobody: isRoot });
    } finally {
      chmodSync(out, 0o755);
    }
    expectUnchanged();
    expectUserError(r, /cannot write into .*out: permission denied/);
  });

  it('when a result is not a finite number (values near 1e300 overflow the test RMSE)', () => {
    writeFileSync(join(dir, 'huge.csv'), monthlyCsv(Array.from({ length: 60 }, (_, i) => (1 + 0.5 * Math.sin(i / 2)) * 1e300)));
    const r = run(['forecast', '--csv', 'huge.csv', '--transform', 'none', '--difference', 'none', '--scaler', 'minmax', '--epochs', '3', '--quiet', '--out', 'out'], dir);
    expectUnchanged();
    expectUserError(r, /./); // the CLI's message, or the forecaster's where it checks first
  });

  it('when the training diverges and the library throws (lr 1e38: the loss becomes infinite)', () => {
    const r = run(['forecast', '--out', 'out', '--epochs', '5', '--lr', '1e38', '--quiet'], dir);
    expectUnchanged();
    expectUserError(r, /training diverged/);
  });

  it('when the training explodes but stays finite (the issue\'s --lr 1e10 --horizon 0 once exited 0 and saved the model)', () => {
    const r = run(['forecast', '--out', 'out', '--lr', '1e10', '--horizon', '0', '--epochs', '5', '--quiet'], dir);
    expectUnchanged();
    expectUserError(r, /training diverged: the final training loss is .*× the .* of always predicting the training targets' mean .*; lower the learning rate \(now 10000000000\)/);
  });

  it('(the failed forecast, unhindered, does replace the model)', () => {
    const r = run([...second.slice(0, 2), 'elsewhere', ...second.slice(3)], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(join(dir, 'elsewhere'))['model.safetensors']).not.toBe(before['model.safetensors']);
  });

  it.skipIf(!permissionsApply)('a file made private stays private when a later forecast replaces it', () => {
    const args = ['forecast', '--out', 'private', '--epochs', '2', '--quiet'];
    const mode = (name: string) => statSync(join(dir, 'private', name)).mode & 0o777;
    expect(run(args, dir).code).toBe(0);
    const weightsMode = mode('model.safetensors');
    chmodSync(join(dir, 'private', 'model.json'), 0o600);
    expect(run([...args, '--seed', '3'], dir).code).toBe(0);
    expect(mode('model.json')).toBe(0o600);
    expect(mode('model.safetensors')).toBe(weightsMode);
  });

  it('a folder where model.json should go stops the forecast before any file is replaced', () => {
    mkdirSync(join(dir, 'blocked', 'model.json'), { recursive: true });
    const r = run(['forecast', '--out', 'blocked', '--epochs', '2', '--quiet'], dir);
    expect(readdirSync(join(dir, 'blocked'))).toEqual(['model.json']); // no plot, no weights, no temporary file
    expectUserError(r, /cannot write .*blocked\/model\.json: something that is not a file is in the way/);
  });

  it('a model.json beside weights from another save (a crash between the two renames) is refused', () => {
    mkdirSync(join(dir, 'mixed'));
    copyFileSync(join(out, 'model.json'), join(dir, 'mixed', 'model.json'));
    copyFileSync(join(dir, 'elsewhere', 'model.safetensors'), join(dir, 'mixed', 'model.safetensors'));
    for (const command of ['predict', 'summary']) {
      expectUserError(run([command, '--model', 'mixed/model.json'], dir), /mixed\/model\.safetensors is not the weights mixed\/model\.json was saved with .*different saves/);
    }
  });

  it('explain replaces explain.svg atomically too', () => {
    const args = ['explain', '--model', 'out/model.json', '--out', 'explained'];
    expect(run(args, dir).code).toBe(0);
    const explained = snapshot(join(dir, 'explained'));
    expect(Object.keys(explained)).toEqual(['explain.svg']);
    const r = run([...args, '--steps', '24'], dir, { maxFileKiB: 8 }); // a different picture, too large to write
    expect(snapshot(join(dir, 'explained'))).toEqual(explained);
    expectUserError(r, /cannot write .*explain\.svg: .*ulimit -f/);
  });
});

describe('a saved model is checked before it is used', () => {
  const dir = openTempDir('lstm-wasm-saved-');
  let saved: Record<string, unknown>;
  beforeAll(() => {
    const r = run(['forecast', '--out', 'good', '--epochs', '3', '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    saved = JSON.parse(readFileSync(join(dir, 'good', 'model.json'), 'utf8'));
  });

  /** model.json changed by `edit`, beside the good weights, in a folder of its own. */
  function edited(name: string, edit: (m: any) => void): string {
    const m = structuredClone(saved);
    edit(m);
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'model.json'), JSON.stringify(m));
    copyFileSync(join(dir, 'good', 'model.safetensors'), join(dir, name, 'model.safetensors'));
    return `${name}/model.json`;
  }

  const cases: [string, 'predict' | 'summary', (m: any) => void, RegExp][] = [
    ['no series', 'summary', (m) => delete m.series, /series must be an object, got nothing/],
    ['series.points as a string', 'summary', (m) => (m.series.points = '144'), /series\.points must be a whole number from 1 to 1000000, got "144"/],
    ['a version from the future', 'summary', (m) => (m.version = 3), /version 3, but this lstm-wasm reads versions 1 and 2/],
    ['the last LSTM returning every step', 'predict', (m) => (m.model.layers[1].config.returnSequences = true), /model\.layers\[1\]\.config\.returnSequences must be false, got true/],
    ['a scaler of another kind than the recipe names', 'predict', (m) => (m.recipe.recipe.scaler = 'minmax'), /recipe\.scaler\.type must be "MinMaxScaler", got "StandardScaler"/],
    ['a first layer of 3 input features', 'predict', (m) => (m.model.layers[0].config.inputSize = 3), /model\.layers\[0\]\.config\.inputSize must be 1, got 3/],
    ['a layer past the unit limit', 'summary', (m) => (m.model.layers[1].config.units = 3000), /model\.layers\[1\]\.config\.units must be a whole number from 1 to 2048, got 3000/],
    ['a period of a billion', 'summary', (m) => (m.recipe.recipe.period = 1e9), /recipe\.recipe\.period must be a whole number from 1 to 10000/],
    ['a learning rate that is not a number', 'summary', (m) => (m.model.compile.optimizer.learningRate = 'x'), /model\.compile\.optimizer\.learningRate must be a finite number, got "x"/],
    ['a layer class named toString', 'summary', (m) => (m.model.layers[0].className = 'toString'), /model\.layers\[0\]\.className must be "LSTM", got "toString"/],
    ['a weights digest that is not one', 'predict', (m) => (m.weights.sha256 = 'abc'), /weights\.sha256 must be 64 lowercase hex digits, got "abc"/],
  ];
  it.each(cases)('%s: %s names the field', (name, command, edit, message) => {
    const path = edited(name.replace(/\W+/g, '-'), edit);
    expectUserError(run([command, '--model', path], dir), message);
  });

  it('a version 1 model.json (no record of its weights) still loads, with a warning that the pair cannot be checked', () => {
    const path = edited('version-1', (m) => {
      m.version = 1;
      delete m.weights;
    });
    const r = run(['summary', '--model', path], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^lstm-wasm: warning: version-1\/model\.json is a version 1 model\.json, which does not record its weights/);
  });

  it("a series name with terminal control characters is printed escaped, not obeyed", () => {
    const path = edited('escapes', (m) => (m.series.name = 'pass\u001b[2Jengers'));
    const r = run(['summary', '--model', path], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('column "pass\\u001b[2Jengers"');
    expect(r.stdout).not.toContain('\u001b');
  });

  it('a folder without a model.json, or a file past the 1 MiB limit, as model.json', () => {
    // a folder holding model.json is read (any model format: test/cli-convert.test.ts); one without is not a model
    mkdirSync(join(dir, 'empty'));
    expectUserError(run(['summary', '--model', 'empty'], dir), /empty is a folder without a model\.json, so it holds no model lstm-wasm reads/);
    mkdirSync(join(dir, 'large'));
    writeFileSync(join(dir, 'large', 'model.json'), '');
    truncateSync(join(dir, 'large', 'model.json'), 1024 * 1024 + 1);
    expectUserError(run(['summary', '--model', 'large/model.json'], dir), /large\/model\.json is 1,048,577 bytes, more than the 1 MiB a saved model \(model\.json\) may have/);
  });
});

describe('input files that are not what they should be', () => {
  const dir = openTempDir('lstm-wasm-inputs-');

  it('a folder as --csv', () => {
    expectUserError(run(['forecast', '--csv', '.'], dir), /^lstm-wasm: \. is a folder, not a CSV file; give the path of a CSV file with --csv/);
  });

  it.skipIf(process.platform === 'win32')('a named pipe as --csv: an error, not a wait for a writer that never comes', () => {
    expect(spawnSync('mkfifo', [join(dir, 'pipe.csv')]).status).toBe(0);
    expectUserError(run(['forecast', '--csv', 'pipe.csv'], dir, { timeout: 30_000 }), /pipe\.csv is not a regular file/);
  });

  it.skipIf(!permissionsApply)('an unreadable file', () => {
    writeFileSync(join(dir, 'secret.csv'), monthlyCsv([1, 2, 3]));
    chmodSync(join(dir, 'secret.csv'), 0o000);
    expectUserError(run(['forecast', '--csv', 'secret.csv'], dir, { asNobody: isRoot }), /cannot read secret\.csv: permission denied/);
  });

  it('a file larger than 64 MiB, refused before it is read', () => {
    writeFileSync(join(dir, 'large.csv'), '');
    truncateSync(join(dir, 'large.csv'), 64 * 1024 * 1024 + 1); // sparse: nothing to read in a test
    expectUserError(run(['forecast', '--csv', 'large.csv'], dir), /large\.csv is 67,108,865 bytes, more than the 64 MiB a CSV file may have/);
  });

  it('more rows than the 1,000,000 points limit, refused before parsing', () => {
    writeFileSync(join(dir, 'long.csv'), 'value\n' + '1\n'.repeat(1_000_001));
    expectUserError(run(['forecast', '--csv', 'long.csv', '--epochs', '1'], dir), /long\.csv has 1,000,001 rows; the limit is 1,000,000 points/);
  });

  it('a file that is not UTF-8, rather than silently replaced characters', () => {
    const latin1 = Buffer.from(monthlyCsv(Array.from({ length: 40 }, (_, i) => 100 + i)).replace('value', 'caf\u00e9'), 'latin1');
    writeFileSync(join(dir, 'latin1.csv'), latin1);
    expectUserError(run(['forecast', '--csv', 'latin1.csv', '--epochs', '1'], dir), /latin1\.csv is not UTF-8 text/);
  });
});

describe('loadSeries: the series the CLI reads, gaps filled', () => {
  const suite = (file: string) => fileURLToPath(new URL(`./data/forecast-dev/${file}`, import.meta.url));
  let dir: string;
  beforeAll(() => { dir = openTempDir('lstm-wasm-load-'); });

  it('presidents.train.csv: quarters as labels, the missing values counted and filled (the first takes the second, 87)', () => {
    const text = readFileSync(suite('presidents.train.csv'), 'utf8');
    const emptyAt = text.trim().split('\n').slice(1).flatMap((line, i) => (line.split(',')[1] === '' ? [i] : []));
    const s = loadSeries(suite('presidents.train.csv'));
    expect(s.name).toBe('value');
    expect(s.labels.slice(0, 2)).toEqual(['1945-Q1', '1945-Q2']);
    expect(s.missing).toBe(emptyAt.length);
    expect(s.missingAt).toEqual(emptyAt);
    expect(s.missingAt[0]).toBe(0);
    expect(s.values[0]).toBe(87);
    expect(s.values.every(Number.isFinite)).toBe(true);
    expect(s.covariates).toEqual([]);
  });

  it('gold.train.csv: missing equals the empty cells of the file (a plain line split)', () => {
    const text = readFileSync(suite('gold.train.csv'), 'utf8');
    const empty = text.trim().split(/\r?\n/).slice(1).filter((line) => line.split(',')[1].trim() === '').length;
    const s = loadSeries(suite('gold.train.csv'));
    expect(empty).toBeGreaterThan(0);
    expect(s.missing).toBe(empty);
    expect(s.missingAt).toHaveLength(empty);
    expect(s.values.every(Number.isFinite)).toBe(true);
  });

  it('the embedded airline file, no column given: passengers, nothing missing', () => {
    const s = loadSeries(undefined);
    expect([s.name, s.values.length, s.labels[0], s.missing, s.missingAt]).toEqual(['passengers', 144, '1949-01', 0, []]);
    expect(s.source).toMatch(/international-airline-passengers\.csv \(embedded\)/);
  });

  it('seatbelts_front.train.csv: the value column by its name; covariates by name or index, filled', () => {
    const s = loadSeries(suite('seatbelts_front.train.csv'), undefined, undefined, ['kms', '3', 'law']);
    expect(s.name).toBe('value');
    expect(s.values[0]).toBe(867);
    expect(s.covariates.map((c) => [c.name, c.values.length, c.values[0], c.missing])).toEqual([
      ['kms', 174, 9059, 0], ['PetrolPrice', 174, 0.102971811805368, 0], ['law', 174, 0, 0],
    ]);
    const b = loadSeries(suite('BJsales.train.csv')); // date,value,lead: "lead", the last column, was taken before
    expect([b.name, b.values[0]]).toEqual(['value', 200.1]);
  });

  it('covariates with gaps are filled the same way', () => {
    writeFileSync(join(dir, 'cov.csv'), 'month,value,price\n2020-01,1,\n2020-02,2,4\n2020-03,NA,NA\n2020-04,4,8\n');
    const s = loadSeries(join(dir, 'cov.csv'), undefined, undefined, ['price']);
    expect(s.values).toEqual([1, 2, 3, 4]);
    expect([s.missing, s.missingAt]).toEqual([1, [2]]);
    expect(s.covariates).toEqual([{ name: 'price', values: [4, 4, 6, 8], missing: 2 }]);
  });

  it('errors: too few known values to fill, naming the file and the column', () => {
    writeFileSync(join(dir, 'gappy.csv'), 'month,value,price\n2020-01,1,\n2020-02,,5\n2020-03,,\n');
    const e = throwsLW(() => loadSeries(join(dir, 'gappy.csv')), /gappy\.csv: column "value": only 1 of its 3 values is known — at least 2 known values are needed/);
    expect(e).toBeInstanceOf(CliError);
    writeFileSync(join(dir, 'empty-cov.csv'), 'month,value,price\n2020-01,1,\n2020-02,2,NA\n');
    throwsLW(() => loadSeries(join(dir, 'empty-cov.csv'), 'value', undefined, ['price']), /empty-cov\.csv: column "price": every value is missing/);
    throwsLW(() => loadSeries(join(dir, 'empty-cov.csv'), undefined, undefined, ['nope']), /no column named "nope" — the columns are 0: "month", 1: "value", 2: "price"/);
  });
});

describe('the CLI on files with gaps and several columns', () => {
  let dir: string;
  beforeAll(() => { dir = openTempDir('lstm-wasm-gaps-'); });

  it('forecasts presidents.train.csv (missing values, quarters): labels continue at 1973-Q1', () => {
    const csv = fileURLToPath(new URL('./data/forecast-dev/presidents.train.csv', import.meta.url));
    const r = run(['forecast', '--csv', csv, '--epochs', '2', '--layers', '4', '--json', '--out', 'out'], dir);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(JSON.stringify(summary)).toContain('1973-Q1');
  });

  it('several numeric columns, none named value/y/target and no --column: an error naming them and --column', () => {
    const rows = Array.from({ length: 48 }, (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${100 + i},${10 + ((i * 7) % 13)}`);
    writeFileSync(join(dir, 'two.csv'), `month,a,b\n${rows.join('\n')}\n`);
    expectUserError(run(['forecast', '--csv', 'two.csv', '--epochs', '1'], dir), /two\.csv: 2 numeric columns besides the date column "month" \("a", "b"\) and none is named value, y or target — .*--column NAME/);
    const r = run(['forecast', '--csv', 'two.csv', '--column', 'b', '--epochs', '1', '--layers', '4', '--quiet', '--out', 'out-b'], dir);
    expect(r.code, r.stderr).toBe(0);
  });
});
