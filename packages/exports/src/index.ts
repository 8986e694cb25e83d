export { writeCsv } from './csv';
export { exportFileName, formatLocalDateTime } from './format';
export { writePdf } from './pdf';
export { writeXlsx } from './xlsx';
export { CONTENT_TYPES, EXPORT_CAPS } from './types';
export type { ExportColumn, ExportFormat, ExportKind, ExportMeta, ExportRows, ExportValue } from './types';
