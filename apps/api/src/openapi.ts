import { z } from 'zod';

export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  params?: string[];
  produces?: string[];
}

const problem = { $ref: '#/components/schemas/Problem' };

/** OpenAPI 3.1, generated from the same zod schemas that validate the requests. */
export function buildOpenApi(routes: RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = [
      ...(r.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(r.query?.shape ?? {}).map(([name, schema]) => {
        const json = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
        delete json.$schema;
        const optional = (schema as z.ZodType).safeParse(undefined).success;
        return { name, in: 'query', required: !optional, description: json.description, schema: json };
      }),
    ];
    const okContent = r.produces ? Object.fromEntries(r.produces.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) : { 'application/json': { schema: { type: 'object' } } };
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      security: [{ apiKey: [] }],
      parameters,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input' }) } } } } : {}),
      responses: {
        [r.method === 'post' ? '201' : r.method === 'delete' ? '204' : '200']: { description: 'OK', content: r.method === 'delete' ? undefined : okContent },
        400: { description: 'Bad parameter (names it)', content: { 'application/problem+json': { schema: problem } } },
        401: { description: 'Missing or invalid API key', content: { 'application/problem+json': { schema: problem } } },
        404: { description: 'Unknown id, or not visible to this key', content: { 'application/problem+json': { schema: problem } } },
        ...(r.produces ? { 422: { description: 'Over the export cap (count given); add truncate=true', content: { 'application/problem+json': { schema: problem } } } } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'cxfold analyst API', version: '1', description: 'Read-only access to folded contact-center records. Timestamps are UTC ISO-8601 with ms; date ranges are in the tenant time zone; durations are seconds.' },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'npm run cxfold -- api-keys create --tenant <slug> --role admin|supervisor' } },
      schemas: {
        Problem: {
          type: 'object',
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { param: { type: 'string' }, message: { type: 'string' } } } } },
        },
      },
    },
    paths,
  };
}

/** A browsable page that needs nothing from the internet: the document rendered as HTML. */
export function docsPage(doc: ReturnType<typeof buildOpenApi>): string {
  const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const sections = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const o = op as { summary: string; parameters: { name: string; in: string; required: boolean; description?: string; schema: Record<string, unknown> }[] };
        const rows = o.parameters
          .map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${esc(p.description)}</td></tr>`)
          .join('');
        return `<section><h2><span class="m">${method.toUpperCase()}</span> <code>${esc(path)}</code></h2><p>${esc(o.summary)}</p>${rows ? `<table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>about</th></tr>${rows}</table>` : ''}</section>`;
      }),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cxfold API</title><style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}code{font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;text-align:left;vertical-align:top}.m{background:#234;color:#fff;padding:2px 6px;border-radius:3px}</style></head><body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p><p><a href="/openapi.json">openapi.json</a></p>${sections}</body></html>`;
}
