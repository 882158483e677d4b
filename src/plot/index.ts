/**
 * SVG charts for the forecasting CLI: standalone documents built as strings,
 * no dependencies. `lineChart` draws series over time; `heatmapPanels`
 * draws stacked heatmaps (an LSTM's gates and cell state over time).
 */
export { lineChart, SERIES_COLORS, type LineChartOptions, type LineSeries } from './line-chart.js';
export { heatmapPanels, type HeatmapOptions, type HeatmapPanel } from './heatmap.js';
