/** A cell value as a column produces it; every writer renders the same four kinds. */
export type ExportValue = string | number | Date | null;

export interface ExportColumn<Row> {
  key: string;
  header: string;
  value(row: Row): ExportValue;
  /** Relative width (default 1) used by the PDF table and the xlsx column widths; CSV has none. */
  width?: number;
}

export interface ExportMeta {
  /** Screen name, e.g. 'CC Interactions': the PDF title and the xlsx worksheet name. */
  title: string;
  /** Filters the analyst applied, shown in the PDF header and the xlsx first rows. */
  filters: Record<string, string>;
  generatedAt: Date;
  /** IANA zone (e.g. America/New_York): every Date is rendered as wall time there. */
  timeZone: string;
}

export type ExportRows<Row> = AsyncIterable<Row> | Iterable<Row>;

/**
 * Row caps per format. Writers do not enforce them: the API applies them in its query (LIMIT cap)
 * so the database never produces rows that would be thrown away. PDF is lower because every
 * row is laid out on a page and a 10,000-row PDF is unreadable anyway.
 */
export const EXPORT_CAPS = { csv: 10_000, xlsx: 10_000, pdf: 1_000 } as const;

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

export type ExportFormat = keyof typeof CONTENT_TYPES;
export type ExportKind = 'flow-interactions' | 'cc-interactions';
