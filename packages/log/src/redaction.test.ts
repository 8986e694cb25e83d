import { Writable } from 'node:stream';
import { createLogger } from './index';

test('authorization, signature and token fields are redacted from every log line', () => {
  const lines: string[] = [];
  const logger = createLogger({
    name: 't',
    level: 'info',
    pretty: false,
    destination: new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  logger.info({ req: { headers: { authorization: 'Bearer cxf_secret_1', 'x-hub-signature': 'sha256=abc123', 'webhook-signature': 'v1,zzz', cookie: 'sid=1' } } }, 'request');
  logger.child({ component: 'cli' }).info({ tenant: { webhookSecret: 'whsec_top', hubSecret: 'hub_top', token: 'tok_top' } }, 'created');
  const out = lines.join('');
  for (const secret of ['cxf_secret_1', 'abc123', 'v1,zzz', 'sid=1', 'whsec_top', 'hub_top', 'tok_top']) expect(out).not.toContain(secret);
  expect(out.match(/\[redacted\]/g)?.length).toBe(7);
});
