// The forecasting suite benchmark (issue 9): runs `lstm-wasm forecast` with
// its defaults on every series of a suite, the way a user would (a child
// process per series, the JSON summary read from stdout), and scores the
// forecasts against the hidden test values next to R's forecast package.
//
// Run: `npm run bench:forecast` (builds first), or on a built tree
//   node bench/forecast-suite.js [--dir PATH] [--only a,b] [--json FILE]
//                                [--timeout SECONDS] [-- CLI ARGS…]
// Through npm the bench's own options need npm's `--` first:
//   npm run bench:forecast -- --only gold,dax -- --epochs 50
//
// A suite is a directory laid out like test/data/forecast-dev (see its
// README.md): NAME.train.csv, NAME.test.csv and r_reference.json, which
// gives per series period, h, n_train, mase_scale, test (the hidden values,
// "NA" = missing) and forecasts (R's naive, snaive, ets, theta, arima).
// Nothing here knows the series' names: the acceptance suite kept elsewhere
// has the same layout and is run with --dir.
//
// The markdown report goes to stdout (paste it as is); progress goes to
// stderr. A run that fails, hangs or prints something unusable is a failure
// in the report, never the end of the benchmark.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const DEFAULT_DIR = path.join(REPO, 'test', 'data', 'forecast-dev');
const DEFAULT_TIMEOUT_S = 300;
// Levels whose coverage is reported when the CLI prints intervals (others
// found in the output are reported too).
const NOMINAL_LEVELS = ['80', '95'];

const USAGE = `usage: node bench/forecast-suite.js [--dir PATH] [--only a,b] [--json FILE] [--timeout SECONDS] [-- CLI ARGS…]
  --dir PATH         a suite laid out like test/data/forecast-dev (default: that one)
  --only a,b         only these series
  --json FILE        also write every per-series number as JSON
  --timeout SECONDS  kill a run that takes longer (default ${DEFAULT_TIMEOUT_S})
  -- ARGS            appended to every \`lstm-wasm forecast\` run (experiments)
through npm: npm run bench:forecast -- --only gold -- --epochs 50`;

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const opts = { dir: DEFAULT_DIR, only: null, json: null, timeoutS: DEFAULT_TIMEOUT_S, cliArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      opts.cliArgs = argv.slice(i + 1);
      break;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) usageError(`${name} needs a value`);
      return argv[++i];
    };
    if (name === '--dir') opts.dir = path.resolve(value());
    else if (name === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (name === '--json') opts.json = path.resolve(value());
    else if (name === '--timeout') {
      opts.timeoutS = Number(value());
      if (!(opts.timeoutS > 0)) usageError('--timeout must be a positive number of seconds');
    } else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      // Not passed on silently: a CLI option meant for the runs belongs after `--`.
      usageError(`unknown option ${arg} (options for the CLI runs go after \`--\`)`);
    }
  }
  return opts;
}

function usageError(message) {
  console.error(`forecast-suite: ${message}\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------- suite

/** The series to run, in r_reference.json's order, each with its reference. */
function loadSuite(dir, only) {
  const refFile = path.join(dir, 'r_reference.json');
  let reference;
  try {
    reference = JSON.parse(fs.readFileSync(refFile, 'utf8'));
  } catch (err) {
    usageError(`cannot read ${refFile}: ${err.message}`);
  }
  let names = Object.keys(reference);
  if (only) {
    const unknown = only.filter((n) => !(n in reference));
    if (unknown.length) usageError(`--only: no series ${unknown.join(', ')} in ${refFile} (it has ${names.join(', ')})`);
    names = names.filter((n) => only.includes(n));
  }
  return names.map((name) => ({ name, ref: reference[name] }));
}

/** Columns in the train file's header row (0 when it cannot be read: the CLI then reports why). */
function headerColumns(csvPath) {
  try {
    const fd = fs.openSync(csvPath, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const bytes = fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    const header = buf.toString('utf8', 0, bytes).split(/\r?\n/, 1)[0];
    return header.split(',').length;
  } catch {
    return 0;
  }
}

/** The CLI's arguments for one series: the defaults, plus only what the data layout requires. */
function cliArgsFor(dir, name, h, outDir, extra) {
  const csv = path.join(dir, `${name}.train.csv`);
  const args = ['forecast', '--csv', csv, '--horizon', String(h), '--json', '--quiet', '--out', outDir];
  // The CLI's default value column is the last one, which is a covariate
  // when there are covariates; `value` is the target by the suite's layout.
  if (headerColumns(csv) > 2) args.push('--column', 'value');
  return [...args, ...extra];
}

// ---------------------------------------------------------------- running

let currentChild = null;

/** Runs the CLI in a child process, killing it after timeoutS; never rejects. */
function runCli(args, timeoutS) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    currentChild = child;
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    const finish = (code, signal, spawnError) => {
      clearTimeout(timer);
      currentChild = null;
      resolve({
        code,
        signal,
        timedOut,
        spawnError,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    };
    child.on('error', (e) => finish(null, null, e.message)); // e.g. node itself cannot start
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function firstLine(text) {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/).find((l) => l.trim() !== '');
  return line ? line.trim() : '';
}

/** Why a finished run does not count as a forecast, or null when it does. */
function failureReason(run) {
  if (run.spawnError) return `could not start: ${run.spawnError}`;
  if (run.timedOut) return `timed out after ${run.seconds.toFixed(0)} s (killed)`;
  if (run.signal) return `killed by ${run.signal}${run.stderr ? `: ${firstLine(run.stderr)}` : ''}`;
  if (run.code !== 0) return `exit ${run.code}: ${firstLine(run.stderr) || '(no stderr)'}`;
  return null;
}

// ---------------------------------------------------------------- reading the summary

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const asNumber = (v) => (typeof v === 'number' ? v : isObject(v) && typeof v.value === 'number' ? v.value : NaN);
const isSeries = (v, h) => Array.isArray(v) && v.length === h && v.every((x) => Number.isFinite(asNumber(x)));

/** [lo, hi] from the shapes an interval may take: [lo, hi], {lo, hi}, {lower, upper}. */
function asInterval(v) {
  if (Array.isArray(v) && v.length === 2) return v;
  if (isObject(v) && 'lo' in v) return [v.lo, v.hi];
  if (isObject(v) && 'lower' in v) return [v.lower, v.upper];
  return null;
}

/**
 * The component forecasts, if the summary has any. Detected, not required:
 * a top-level object (such as `components`) whose every entry is an h-long
 * series, or an object of numbers on each forecast entry (other than
 * `intervals`). Returns { name: number[] }.
 */
function findComponents(summary, h) {
  const found = {};
  const groups = Object.entries(summary).filter(
    ([key, v]) => key !== 'forecast' && isObject(v) && Object.keys(v).length > 0 && Object.values(v).every((s) => isSeries(s, h)),
  );
  for (const [key, group] of groups) {
    for (const [name, series] of Object.entries(group)) {
      // Names are kept short; the group's key is added only if two groups would clash.
      found[groups.length > 1 ? `${key}.${name}` : name] = series.map(asNumber);
    }
  }
  const entries = summary.forecast;
  if (entries.length === 0) return found;
  const perEntryKeys = Object.keys(entries[0]).filter(
    (key) => key !== 'intervals' && entries.every((e) => isObject(e[key]) && Object.values(e[key]).every((x) => Number.isFinite(asNumber(x)))),
  );
  for (const key of perEntryKeys) {
    for (const name of Object.keys(entries[0][key])) {
      if (!entries.every((e) => name in e[key])) continue;
      const label = name in found ? `${key}.${name}` : name;
      found[label] = entries.map((e) => asNumber(e[key][name]));
    }
  }
  return found;
}

/** The prediction intervals by level, if every forecast entry has them: { "80": [[lo, hi], …] }. */
function findIntervals(entries) {
  const levels = {};
  if (!entries.every((e) => isObject(e.intervals))) return levels;
  for (const level of Object.keys(entries[0].intervals)) {
    const bounds = entries.map((e) => asInterval(e.intervals[level]));
    if (bounds.every((b) => b && Number.isFinite(b[0]) && Number.isFinite(b[1]))) levels[level] = bounds;
  }
  return levels;
}

/** The headline forecast, its components and intervals; throws with a one-line reason. */
function readSummary(stdout, h) {
  let summary;
  try {
    summary = JSON.parse(stdout);
  } catch {
    throw new Error(`stdout is not JSON: ${firstLine(stdout).slice(0, 120) || '(empty)'}`);
  }
  if (!isObject(summary) || !Array.isArray(summary.forecast)) throw new Error('the summary has no forecast array');
  if (!isSeries(summary.forecast, h)) {
    throw new Error(`the forecast has ${summary.forecast.length} entries, not ${h} finite values`);
  }
  return {
    forecast: summary.forecast.map(asNumber),
    components: findComponents(summary, h),
    intervals: findIntervals(summary.forecast),
    warnings: Array.isArray(summary.warnings) ? summary.warnings.length : 0,
  };
}

// ---------------------------------------------------------------- scoring

/** The test values as numbers, NaN where missing ("NA", null, or anything not a number). */
const actuals = (test) => test.map((a) => (typeof a === 'number' ? a : Number.NaN));

/** Mean of f(F, A) over the points whose truth is known. */
function meanOverKnown(forecast, truth, f) {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < truth.length; i++) {
    if (Number.isNaN(truth[i])) continue;
    sum += f(forecast[i], truth[i]);
    n++;
  }
  return n ? sum / n : Number.NaN;
}

const mase = (forecast, truth, scale) => meanOverKnown(forecast, truth, (F, A) => Math.abs(F - A)) / scale;
// 0/0 (forecast and truth both zero) is a perfect point, not NaN.
const smape = (forecast, truth) =>
  meanOverKnown(forecast, truth, (F, A) => (F === A ? 0 : (200 * Math.abs(F - A)) / (Math.abs(F) + Math.abs(A))));

/** Per level: how many known test points fall inside the interval, and of how many. */
function coverage(intervals, truth) {
  const result = {};
  for (const [level, bounds] of Object.entries(intervals)) {
    let covered = 0;
    let total = 0;
    truth.forEach((A, i) => {
      if (Number.isNaN(A)) return;
      total++;
      if (bounds[i][0] <= A && A <= bounds[i][1]) covered++;
    });
    result[level] = { covered, total };
  }
  return result;
}

/** MASE and sMAPE of every named forecast. */
function scoreAll(forecasts, truth, scale) {
  const scores = {};
  for (const [name, f] of Object.entries(forecasts)) {
    if (!Array.isArray(f) || f.length < truth.length) continue; // a reference without this method
    scores[name] = { mase: mase(f, truth, scale), smape: smape(f, truth) };
  }
  return scores;
}

// ---------------------------------------------------------------- one series

async function benchSeries({ name, ref }, dir, tmpRoot, opts) {
  const outDir = fs.mkdtempSync(path.join(tmpRoot, `${name}-`));
  const args = cliArgsFor(dir, name, ref.h, outDir, opts.cliArgs);
  const run = await runCli(args, opts.timeoutS);
  const truth = actuals(ref.test);
  const result = {
    name,
    period: ref.period,
    n: ref.n_train,
    h: ref.h,
    seconds: run.seconds,
    ok: false,
    error: null,
    exitCode: run.code,
    signal: run.signal,
    timedOut: run.timedOut,
    stderr: run.stderr.slice(0, 4000),
    warnings: 0,
    forecast: null,
    components: {},
    intervals: {},
    coverage: {},
    scores: {},
    reference: scoreAll(ref.forecasts ?? {}, truth, ref.mase_scale),
  };
  result.error = failureReason(run);
  if (!result.error) {
    try {
      const s = readSummary(run.stdout, ref.h);
      Object.assign(result, { ok: true, forecast: s.forecast, components: s.components, intervals: s.intervals, warnings: s.warnings });
      result.scores = scoreAll({ ours: s.forecast, ...s.components }, truth, ref.mase_scale);
      result.coverage = coverage(s.intervals, truth);
    } catch (err) {
      result.error = err.message;
    }
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  return result;
}

// ---------------------------------------------------------------- summary over series

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** Names in order of first appearance over the series. */
function unionKeys(objects) {
  const keys = [];
  for (const o of objects) for (const k of Object.keys(o)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** The seasonal naive's MASE, or the naive's where the series has no season (period 1) or the reference has no snaive. */
function seasonalBaseline(r) {
  const m = r.period > 1 && r.reference.snaive ? r.reference.snaive : r.reference.naive;
  return m ? m.mase : Number.NaN;
}

function summarize(results) {
  const ran = results.filter((r) => r.ok);
  // The headline forecast is always a column, even when every run failed.
  const ours = ['ours', ...unionKeys(ran.map((r) => r.components))];
  const methods = unionKeys(results.map((r) => r.reference));
  const meanOf = (rows, pick, metric) => mean(rows.map((r) => pick(r)?.[metric]).filter((x) => Number.isFinite(x)));
  // Ours and R's kept apart: a component may be called like an R method (ets, theta).
  const means = (rows) => {
    const m = { ours: { mase: {}, smape: {} }, reference: { mase: {}, smape: {} } };
    for (const metric of ['mase', 'smape']) {
      for (const k of ours) m.ours[metric][k] = meanOf(rows, (r) => r.scores[k], metric);
      for (const k of methods) m.reference[metric][k] = meanOf(rows, (r) => r.reference[k], metric);
    }
    return m;
  };
  // Out of the series that have the method (R has no snaive where period is
  // 1); a failed run beats nothing.
  const beats = {};
  for (const k of methods) {
    const having = results.filter((r) => r.reference[k]);
    beats[k] = { wins: having.filter((r) => r.ok && r.scores.ours.mase < r.reference[k].mase).length, of: having.length };
  }
  const beatsSeasonal = ran.filter((r) => r.scores.ours.mase < seasonalBaseline(r)).length;
  const cov = {};
  for (const level of unionKeys(ran.map((r) => r.coverage))) {
    cov[level] = { covered: 0, total: 0 };
    for (const r of ran) {
      cov[level].covered += r.coverage[level]?.covered ?? 0;
      cov[level].total += r.coverage[level]?.total ?? 0;
    }
  }
  return {
    series: results.length,
    failures: results.length - ran.length,
    ours,
    methods,
    // Means over the series ours ran on compare like with like; over all
    // series, for R's methods, when some runs failed.
    meansWhereOursRan: means(ran),
    meansAll: means(results),
    beats,
    beatsSeasonal,
    coverage: cov,
  };
}

// ---------------------------------------------------------------- markdown

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function row(cells) {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** The best MASE in a row in bold, so the winner of each series stands out. */
function maseCells(values) {
  const best = Math.min(...values.filter((x) => Number.isFinite(x)));
  return values.map((x) => (Number.isFinite(x) && x === best ? `**${fmt(x)}**` : fmt(x)));
}

function seriesRow(r, sum) {
  const ours = sum.ours.map((k) => (r.ok ? r.scores[k]?.mase : Number.NaN));
  const refs = sum.methods.map((k) => r.reference[k]?.mase);
  const cells = maseCells([...ours, ...refs]);
  if (!r.ok) cells.fill('fail', 0, ours.length);
  const note = r.ok ? (r.warnings ? `${r.warnings} warning${r.warnings > 1 ? 's' : ''}` : '') : `FAILED: ${r.error}`;
  return row([r.name, r.period, r.n, r.h, ...cells, fmt(r.seconds, 1), note]);
}

function meanRows(label, m, metric, sum, digits) {
  const ours = sum.ours.map((k) => fmt(m.ours[metric][k], digits));
  const refs = sum.methods.map((k) => fmt(m.reference[metric][k], digits));
  return row([`**${label}**`, '', '', '', ...ours, ...refs, '', '']);
}

function table(results, sum) {
  const oursHeads = sum.ours.map((k) => (k === 'ours' ? 'ours' : `ours: ${k}`));
  const head = ['series', 'period', 'n', 'h', ...oursHeads, ...sum.methods, 's', 'note'];
  const align = ['---', '---:', '---:', '---:', ...head.slice(4, -1).map(() => '---:'), '---'];
  const lines = [row(head), `|${align.join('|')}|`];
  for (const r of results) lines.push(seriesRow(r, sum));
  const n = sum.series;
  const ran = n - sum.failures;
  const where = sum.failures ? ` (${ran}/${n} series ours ran)` : '';
  lines.push(meanRows(`mean MASE${where}`, sum.meansWhereOursRan, 'mase', sum, 2));
  lines.push(meanRows(`mean sMAPE${where}`, sum.meansWhereOursRan, 'smape', sum, 1));
  if (sum.failures) {
    // R's methods over every series; ours left blank, as it has no score where it failed.
    const rOnly = { ours: { mase: {}, smape: {} }, reference: sum.meansAll.reference };
    lines.push(meanRows(`mean MASE (all ${n})`, rOnly, 'mase', sum, 2));
    lines.push(meanRows(`mean sMAPE (all ${n})`, rOnly, 'smape', sum, 1));
  }
  const beatCells = sum.methods.map((k) => `${sum.beats[k].wins}/${sum.beats[k].of}`);
  lines.push(row(['**ours beats it on**', '', '', '', ...sum.ours.map(() => ''), ...beatCells, '', '']));
  return lines.join('\n');
}

function footer(sum, totalSeconds) {
  const n = sum.series;
  const lines = [
    `- ours beats the seasonal naive (naive where period 1) on ${sum.beatsSeasonal}/${n} series (MASE, strictly lower)`,
  ];
  const levels = Object.keys(sum.coverage).sort((a, b) => Number(a) - Number(b));
  if (levels.length) {
    for (const level of levels) {
      const { covered, total } = sum.coverage[level];
      const pct = total ? ((100 * covered) / total).toFixed(1) : '—';
      lines.push(`- ${level}% interval coverage: ${covered}/${total} test points = ${pct}% (nominal ${level}%)`);
    }
    const missing = NOMINAL_LEVELS.filter((l) => !levels.includes(l));
    if (missing.length) lines.push(`- no ${missing.join('% / ')}% intervals in the output`);
  } else {
    lines.push('- prediction intervals: none in the CLI output');
  }
  lines.push(`- failures: ${sum.failures}/${n}`);
  lines.push(`- total wall time: ${totalSeconds.toFixed(1)} s`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- header

function gitCommit() {
  try {
    const opts = { cwd: REPO, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' };
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    // Uncommitted changes make the commit an incomplete description of what ran.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return '(not a git checkout)';
  }
}

const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

function header(opts, dir, names) {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const self = path.relative(process.cwd(), process.argv[1]) || process.argv[1];
  const rel = path.relative(REPO, dir) || '.';
  const runArgs = ['forecast', '--csv', `${rel}/NAME.train.csv`, '--horizon', 'h', '--json', '--quiet', '--out', 'TMPDIR'];
  return [
    '## Forecast suite',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`,
    `- commit: ${gitCommit()}`,
    `- command: node ${[self, ...process.argv.slice(2)].map(quote).join(' ')}`,
    `- each series: node dist/cli.js ${runArgs.join(' ')} [--column value when the file has covariates]` +
      (opts.cliArgs.length ? ` ${opts.cliArgs.map(quote).join(' ')}` : ''),
    `- extra CLI args: ${opts.cliArgs.length ? opts.cliArgs.map(quote).join(' ') : '(none: the defaults)'}`,
    `- suite: ${dir} (${names.length} series), time limit ${opts.timeoutS} s per series`,
    '- MASE = mean |F − A| / mase_scale; sMAPE = mean 200·|F − A|/(|F| + |A|); "NA" test values skipped; s = wall seconds of the run',
  ].join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CLI)) usageError(`${CLI} is missing: build first (npm run build)`);
  const suite = loadSuite(opts.dir, opts.only);
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-wasm-suite-'));
  // On Ctrl-C / kill: stop the running CLI and leave no temporary files behind.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      currentChild?.kill('SIGKILL');
      fs.rmSync(tmpRoot, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const date = new Date().toISOString();
  const started = performance.now();
  const results = [];
  try {
    for (const [i, s] of suite.entries()) {
      process.stderr.write(`[${i + 1}/${suite.length}] ${s.name} (h ${s.ref.h}) … `);
      const r = await benchSeries(s, opts.dir, tmpRoot, opts);
      process.stderr.write(r.ok ? `${r.seconds.toFixed(1)} s, MASE ${fmt(r.scores.ours.mase)}\n` : `FAILED: ${r.error}\n`);
      results.push(r);
    }
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const sum = summarize(results);
  console.log([header(opts, opts.dir, suite), '', table(results, sum), '', footer(sum, totalSeconds)].join('\n'));
  if (opts.json) {
    const report = {
      date,
      machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: os.platform(), arch: os.arch() },
      commit: gitCommit(),
      command: process.argv.slice(1),
      cliArgs: opts.cliArgs,
      dir: opts.dir,
      timeoutSeconds: opts.timeoutS,
      totalSeconds,
      // NaN (a score that cannot be computed) becomes null in JSON.
      series: results,
      summary: sum,
    };
    fs.writeFileSync(opts.json, `${JSON.stringify(report, null, 1)}\n`);
    process.stderr.write(`wrote ${opts.json}\n`);
  }
}

await main();
