import { createMetrics } from '@cxfold/observability';
import { parseMetricsText } from './metrics-text';

test('parses what prom-client writes, labels with escapes included', async () => {
  const m = createMetrics();
  m.recordIngest({ tenant: 'acme', outcome: { kind: 'accepted', results: [{ duplicate: false }] }, types: ['CREATED'] });
  m.recordHttp('GET', '/a "quoted"\\path', 200, 0.01);
  const parsed = parseMetricsText(await m.registry.metrics());
  expect(parsed.sum('cxfold_events_received_total', { tenant: 'acme', outcome: 'accepted' })).toBe(1);
  expect(parsed.sum('cxfold_http_request_duration_seconds_count', { route: '/a "quoted"\\path' })).toBe(1);
  expect(parsed.types.get('cxfold_http_request_duration_seconds')).toBe('histogram');
  expect(parsed.has('process_cpu_user_seconds_total')).toBe(true);
});

test('refuses what is not the text format', () => {
  expect(() => parseMetricsText('cxfold_x{a="b"} 1\n')).not.toThrow();
  expect(() => parseMetricsText('<html>oops</html>\n')).toThrow(/unparsable/);
  expect(() => parseMetricsText('cxfold_x{a=b} 1\n')).toThrow(/bad labels/);
  expect(() => parseMetricsText('cxfold_x 1.2.3\n')).toThrow(/bad sample value/);
  expect(() => parseMetricsText('# TYPE cxfold_x wibble\n')).toThrow(/bad type/);
});
