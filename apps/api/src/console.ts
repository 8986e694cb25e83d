import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import helmet from 'helmet';

/**
 * The analyst console: static files built by `npm run build:console`, served at `/` and
 * `/assets/*` only. The console routes by URL hash, so no fallback is needed and nothing here
 * can shadow /v1, /openapi.json, /docs, /healthz, /readyz, /metrics, /admin/queues or the hooks.
 */
export function consoleRoutes(dir: string): Router {
  const r = express.Router();
  const index = path.join(dir, 'index.html');
  // The console loads only its own files and talks only to this origin.
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  r.get(['/', '/index.html'], headers, (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('html').send('<!doctype html><title>cxfold console</title><p>The console is not built. Run <code>npm run build:console</code>, then reload.</p>');
      return;
    }
    // index.html names the hashed assets of the current build: always revalidate it.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  // Asset names carry a content hash, so they can be cached for good.
  r.use('/assets', headers, express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: true }));
  r.get('/favicon.svg', headers, express.static(dir, { index: false }));
  return r;
}
