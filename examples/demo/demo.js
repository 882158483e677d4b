/**
 * The lstm-wasm demo: train the airline-passengers forecaster in the page
 * with the library's defaults, draw the loss live, the forecast against the
 * truth and the first LSTM layer's gates, on the backend the user picks.
 * Plain ES modules, no build step: `lstm-wasm` and `lstm-wasm/plot` come
 * from the import map in index.html.
 *
 * A second card loads a forecaster the CLI saved (model.json + model.safetensors)
 * through the same module the CLI loads it with (lstm-wasm/forecast).
 *
 * URL parameters: ?epochs=N (default: the library's, 100), ?backend=wasm-simd|wasm|js,
 * ?autorun=0 (do not train on load).
 */
import { init, backend, simdSupported, forecaster, forecastAhead, parseCsvSeries, DEFAULT_TRAINING, forecastChart, futureLabels, recordGates, lineChart, heatmapPanels } from 'lstm-wasm';
import { loadForecaster, parseSavedForecaster, MODEL_FILE, WEIGHTS_FILE } from 'lstm-wasm/forecast';

const BACKENDS = ['wasm-simd', 'wasm', 'js'];
const HORIZON = 12; // months forecast beyond the data, as the CLI's default
const GATE_STEPS = 12; // months fed to the first layer for the heatmaps: the last year of the data

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const ui = {
  train: $('train'), compare: $('compare'), epochs: $('epochs'), status: $('status'), bar: $('progress-bar'),
  loss: $('loss-chart'), forecast: $('forecast-chart'), scores: $('scores'), verdict: $('verdict'),
  runs: $('runs').tBodies[0], gates: $('gates'),
};

/** Everything the page has done, for people and for the tests (window.demo). */
const state = { series: null, runs: [], current: null, busy: false, saved: null };
window.demo = state;

function setState(s, message) {
  document.body.dataset.state = s;
  if (message !== undefined) ui.status.textContent = message;
}

function fail(e) {
  console.error(e);
  setState('error', `Error: ${e?.message ?? e}`);
  ui.status.classList.add('error');
  state.busy = false;
  setBusy(false);
}

/** An SVG document from the plotters, ready to inline: no XML declaration, ids made unique in the page. */
let svgCount = 0;
function inlineSvg(svg) {
  const k = ++svgCount;
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/\bid="([^"]+)"/g, `id="s${k}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#s${k}-$1)`);
}

const num = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

// ---- charts: the same lineChart / heatmapPanels calls as src/cli/forecast.ts and src/cli/explain.ts ----

function drawLoss(losses, epochs, name) {
  ui.loss.innerHTML = inlineSvg(lineChart({
    title: `${name}: epoch ${losses.length} of ${epochs}, loss ${num(losses[losses.length - 1], 4)}`,
    xLabel: 'epoch', yLabel: 'loss (MSE, standardized)',
    x: Array.from({ length: epochs }, (_, i) => i + 1),
    series: [{ name: 'training loss', values: losses }],
    width: 720, height: 340,
  }));
}

/** The first LSTM layer over the last GATE_STEPS points, gates recorded: one heatmap per gate, as `explain` draws them. */
function gatePanels(f, series) {
  const end = series.values.length - 1;
  const steps = Math.min(GATE_STEPS, end + 1 - f.recipe.lag);
  const { layer: lstm, labels, record: rec } = recordGates(f.model, f.recipe, series, end, steps);
  const rows = (t) => Array.from({ length: lstm.units }, (_, j) => Array.from({ length: steps }, (_, s) => t.data[s * lstm.units + j]));
  // in the page's order: the three gates (0 … 1) on the first row, the candidate and the cell on the second
  const panels = [
    { name: 'forget gate f', rows: rows(rec.forget), min: 0, max: 1, caption: 'kept (1) or dropped (0) memory' },
    { name: 'input gate i', rows: rows(rec.input), min: 0, max: 1, caption: 'how much new content is written' },
    { name: 'output gate o', rows: rows(rec.output), min: 0, max: 1, caption: 'how much of the cell is shown, h = o·tanh(c)' },
    { name: 'candidate g', rows: rows(rec.candidate), min: -1, max: 1, caption: 'the new content proposed (−1 … 1)' },
    { name: 'cell state c', rows: rows(rec.cell), caption: 'the memory: c = f·c + i·g' },
  ];
  // one SVG per gate so they can sit side by side; the CLI stacks the same panels in one SVG
  const svgs = panels.map((p) => heatmapPanels({ title: '', xLabel: '', rowLabel: 'unit', x: labels.map(shortMonth), panels: [p] }));
  // and the table `explain` prints: mean gates per step, and how many units keep their memory
  const H = lstm.units;
  const mean = (t, s) => t.data.subarray(s * H, (s + 1) * H).reduce((a, v) => a + v, 0) / H;
  const kept = (s) => rec.forget.data.subarray(s * H, (s + 1) * H).filter((v) => v > 0.9).length;
  const perStep = labels.map((label, s) => ({ label, f: mean(rec.forget, s), i: mean(rec.input, s), o: mean(rec.output, s), kept: kept(s) }));
  return { svgs, steps: perStep, units: H, caption: `layer ${lstm.name}: ${H} units, fed ${labels[0]} … ${labels[labels.length - 1]} from a zero state` };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const shortMonth = (l) => {
  const m = /^(\d{4})-(\d{2})$/.exec(l);
  return m ? MONTHS[Number(m[2]) - 1] : l;
};

// ---- tables --------------------------------------------------------------------

function drawScores(f) {
  const e = f.evaluation, b = e.baselines, period = f.recipe.recipe.period;
  const rows = [
    ['LSTM', e, true],
    ['persistence (last value)', b.persistence],
    [`seasonal naive (${period} before)`, b.seasonalNaive],
    ['seasonal naive + last year-on-year change', b.seasonalNaiveTrend],
  ];
  ui.scores.tBodies[0].innerHTML = rows.map(([name, s, lstm]) => `<tr${lstm ? ' class="lstm"' : ''}><td>${esc(name)}</td>`
    + `<td data-metric="rmse">${num(s.rmse)}</td><td>${num(s.mae)}</td><td>${Number.isFinite(s.mape) ? s.mape.toFixed(1) + '%' : '—'}</td></tr>`).join('');
  $('scores-caption').textContent = `${f.sizes.testPoints} months, ${state.series.labels[f.sizes.trainPoints]} … ${state.series.labels.at(-1)}`;
  const beaten = [b.persistence, b.seasonalNaive, b.seasonalNaiveTrend].filter((s) => e.rmse < s.rmse).length;
  ui.verdict.textContent = beaten === 3 ? 'The LSTM beats all three baselines.'
    : beaten === 0 ? `The LSTM beats none of the baselines${f.history.epoch.length < 50 ? ': it is under-trained, give it more epochs' : ''}.`
      : `The LSTM beats ${beaten} of the 3 baselines${f.history.epoch.length < 50 ? ' (more epochs would help)' : ''}.`;
}

function drawRuns() {
  const slowest = Math.max(...state.runs.map((r) => r.msPerEpoch));
  const js = [...state.runs].reverse().find((r) => r.backend === 'js');
  ui.runs.innerHTML = state.runs.map((r, i) => {
    const speedup = js && r !== js ? ` <small>${(js.msPerEpoch / r.msPerEpoch).toFixed(1)}× js</small>` : '';
    return `<tr data-backend="${r.backend}"><td>${i + 1}</td><td><code>${r.backend}</code></td><td>${r.epochs}</td>`
      + `<td>${r.fitSeconds.toFixed(2)} s</td><td>${r.msPerEpoch < 10 ? r.msPerEpoch.toFixed(1) : r.msPerEpoch.toFixed(0)} ms${speedup}</td>`
      + `<td class="bar-col"><div class="bar bar-${r.backend}" style="width:${Math.max(2, (100 * r.msPerEpoch) / slowest).toFixed(1)}%"></div></td>`
      + `<td>${num(r.rmse)}</td></tr>`;
  }).join('');
}

// ---- training --------------------------------------------------------------------

function setBusy(busy) {
  ui.train.disabled = busy;
  ui.compare.disabled = busy;
  ui.epochs.disabled = busy;
  for (const r of document.querySelectorAll('input[name=backend]')) r.disabled = busy || !r.dataset.available;
}

function chosenBackend() {
  return document.querySelector('input[name=backend]:checked')?.value ?? 'wasm-simd';
}

async function train(name) {
  const epochs = Math.max(1, Math.min(1000, Math.round(Number(ui.epochs.value)) || DEFAULT_TRAINING.epochs));
  const series = state.series;
  await init({ backend: name });
  if (backend() !== name) throw new Error(`init({ backend: '${name}' }) left backend() at '${backend()}'`);
  state.current?.dispose(); // free the previous model's wasm memory
  state.current = null;
  ui.status.classList.remove('error');
  setState('training', `Training on ${name} …`);

  const losses = [];
  let lastDraw = 0;
  const onEpochEnd = (epoch, logs) => {
    const t0 = performance.now();
    losses.push(logs.loss);
    ui.bar.style.width = `${(100 * losses.length) / epochs}%`;
    if (t0 - lastDraw > 80 || losses.length === epochs) {
      drawLoss(losses, epochs, name);
      ui.status.textContent = `Training on ${name}: epoch ${losses.length} of ${epochs}, loss ${num(logs.loss, 4)}`;
      lastDraw = performance.now();
    }
  };
  const f = await forecaster(series.values, { epochs, onEpochEnd });
  state.current = f;
  const fitSeconds = f.fitSeconds; // the forecaster does not count the time spent drawing in onEpochEnd
  drawLoss(losses, epochs, name);

  const future = f.forecast(HORIZON);
  ui.forecast.innerHTML = inlineSvg(forecastChart(f, series, future, futureLabels(series.labels, HORIZON), undefined, { width: 1040, height: 460 }));
  drawScores(f);
  const g = gatePanels(f, series);
  ui.gates.innerHTML = g.svgs.map((svg) => `<div class="gate">${inlineSvg(svg)}</div>`).join('')
    + `<div class="gate gate-table"><table class="numbers"><thead><tr><th>month</th><th>mean f</th><th>mean i</th><th>mean o</th><th>f &gt; 0.9</th></tr></thead><tbody>`
    + g.steps.map((r) => `<tr><td>${esc(r.label)}</td><td>${r.f.toFixed(2)}</td><td>${r.i.toFixed(2)}</td><td>${r.o.toFixed(2)}</td><td>${r.kept}/${g.units}</td></tr>`).join('')
    + `</tbody></table><p class="note">Per month: the gates' mean over the ${g.units} units, and how many units keep their memory (forget gate above 0.9), as <code>lstm-wasm explain</code> prints them.</p></div>`;
  $('gates-caption').textContent = g.caption;
  $('test-size').textContent = String(f.sizes.testPoints);
  $('recipe-desc').textContent = `Recipe: ${f.recipe.describe()}. ${f.model.countParams().toLocaleString('en-US')} parameters, `
    + `${f.options.optimizer} lr ${f.options.learningRate}, batch ${f.options.batchSize}, seed ${f.options.seed}.`;

  const run = { backend: name, epochs, fitSeconds, msPerEpoch: (1000 * fitSeconds) / epochs, loss: losses.at(-1), rmse: f.evaluation.rmse, forecast: future };
  state.runs.push(run);
  drawRuns();
  return run;
}

async function runAll(names) {
  if (state.busy) return;
  state.busy = true;
  setBusy(true);
  try {
    let last;
    for (const name of names) last = await train(name);
    setState('done', `Done: ${last.epochs} epochs on ${last.backend} in ${last.fitSeconds.toFixed(2)} s — test RMSE ${num(last.rmse)} passengers.`);
  } catch (e) {
    fail(e);
  } finally {
    state.busy = false;
    setBusy(false);
  }
}

// ---- a model the CLI saved ------------------------------------------------------------

/** The two chosen files, checked and loaded as `lstm-wasm predict` loads them; its forecast of the page's series. */
async function loadSaved(files) {
  const out = $('saved');
  out.classList.remove('error');
  const json = files.find((f) => f.name.endsWith('.json'));
  const weights = files.find((f) => f.name.endsWith('.safetensors'));
  try {
    if (!json || !weights) throw new Error(`choose both files the CLI wrote: ${MODEL_FILE} and ${WEIGHTS_FILE}`);
    const saved = parseSavedForecaster(await json.text(), json.name);
    const { model, recipe, warnings } = await loadForecaster(saved, new Uint8Array(await weights.arrayBuffer()), { json: json.name, weights: weights.name });
    try {
      const series = state.series;
      const forecast = forecastAhead(model, recipe, series.values, HORIZON);
      const at = futureLabels(series.labels, HORIZON);
      const s = saved.series;
      state.saved = { series: s, recipe: recipe.toJSON(), forecast, warnings };
      out.textContent = [
        model.summary(),
        `Recipe: ${recipe.describe()}`,
        `Trained on: ${s.source}, column "${s.name}", ${s.points} points up to ${s.lastLabel}`,
        ...warnings.map((w) => `Warning: ${w}`),
        `Next ${HORIZON} of ${series.name}: ${forecast.map((v, k) => `${at[k]} ${v.toFixed(0)}`).join(', ')}`,
      ].join('\n');
    } finally {
      model.dispose();
    }
  } catch (e) {
    state.saved = { error: e?.message ?? String(e) };
    out.classList.add('error');
    out.textContent = `Error: ${state.saved.error}`;
  }
}

// ---- start ------------------------------------------------------------------------

async function start() {
  const text = await fetch(new URL('../../data/international-airline-passengers.csv', import.meta.url)).then((r) => {
    if (!r.ok) throw new Error(`could not load the data: HTTP ${r.status} for ${r.url}`);
    return r.text();
  });
  const s = parseCsvSeries(text, { source: 'international-airline-passengers.csv' });
  state.series = { values: s.values, labels: s.dates ?? s.values.map((_, i) => String(i + 1)), name: s.name };

  const best = await init(); // the best this browser supports
  const available = { 'wasm-simd': simdSupported(), wasm: typeof WebAssembly === 'object', js: true };
  const wanted = params.get('backend');
  const initial = BACKENDS.includes(wanted) && available[wanted] ? wanted : best;
  for (const r of document.querySelectorAll('input[name=backend]')) {
    if (available[r.value]) r.dataset.available = '1';
    else r.closest('label').classList.add('unavailable');
    r.checked = r.value === initial;
  }
  state.defaultBackend = best;
  const epochs = Number(params.get('epochs'));
  ui.epochs.value = String(Number.isInteger(epochs) && epochs > 0 ? epochs : DEFAULT_TRAINING.epochs);
  $('model-desc').textContent = DEFAULT_TRAINING.layers.map((u, i) => `LSTM(${u}${i < DEFAULT_TRAINING.layers.length - 1 ? ', all steps' : ''})`).join(' → ') + ' → Dense(1)';

  ui.train.addEventListener('click', () => runAll([chosenBackend()]));
  ui.compare.addEventListener('click', () => runAll(BACKENDS.filter((b) => available[b])));
  $('saved-files').addEventListener('change', (e) => loadSaved([...e.target.files]));
  setBusy(false);
  setState('ready', `Ready: ${state.series.values.length} months loaded, best backend here: ${best}.`);
  if (params.get('autorun') !== '0') await runAll([initial]);
}

start().catch(fail);
