import { extractPdfText } from '@cxfold/exports/testing/pdf-text';
import ExcelJS from 'exceljs';

/** The rows of an xlsx file's first sheet, as text. */
export async function xlsxRows(file: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : String(v ?? '')))));
  return rows;
}

/** The text of every page of a PDF, as a reader's viewer would extract it. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  return (await extractPdfText(pdf)).pages;
}
