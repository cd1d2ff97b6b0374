/**
 * CSV text (RFC 4180): fields separated by commas, rows by `\n`; a field holding a comma, a quote or a line
 * break is quoted, its quotes doubled. null and undefined are empty fields; numbers are written in full.
 */
export type CsvField = string | number | boolean | null | undefined;

export function csvField(value: CsvField): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header and rows as CSV text ending with a newline. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvField[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
