export { apiRouter, createApiApp } from './app';
export { ROUTES } from './routes';
export { buildOpenApi } from './openapi';
