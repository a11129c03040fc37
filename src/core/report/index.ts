/** Compliance reports (docs/reports.md): framework definitions, the model, CSV, the manifest. */
export * from './frameworks.js';
export * from './model.js';
export { csvCell, csvRow, csvTable, parseCsv, type CsvCell } from './csv.js';
export { ReportBuilder, EVENT_COLUMNS, SAMPLE_ROWS, eventRow } from './builder.js';
export type { BuiltReport, ReportContext, ReportExtras } from './builder.js';
export { MAX_REPORT_DAYS } from './measures.js';
export * from './manifest.js';
export { renderHtml } from './html.js';
