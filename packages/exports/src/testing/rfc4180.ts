/**
 * A strict RFC 4180 reader for the tests: records end with CRLF, a field is either bare (no
 * quote, comma, CR or LF) or quoted with doubled inner quotes. Anything else throws, so a writer
 * that emits a bare LF or an unescaped quote fails the test instead of being read leniently.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid CSV at offset ${i}: ${why}`);
  };
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field');
        const ch = text[i];
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          field += ch;
          i += 1;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        const ch = text[i];
        if (ch === '"' || ch === '\n') fail(`${JSON.stringify(ch)} in an unquoted field`);
        field += ch;
        i += 1;
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i += 1;
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      records.push(record);
      record = [];
      i += 2;
    } else {
      fail(i >= text.length ? 'last record has no CRLF' : `unexpected ${JSON.stringify(text[i])} after a field`);
    }
  }
  return records;
}
