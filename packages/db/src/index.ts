export * from './schema';
export { createDbClient, type DbClient, type Db, type Sql, type DbOptions } from './client';
export { migrate, ensureDatabase, MIGRATIONS_FOLDER } from './migrate';
export * from './tenants-repo';
export { RawEventWriter, insertRawEvents, type RawEventInput, type WriteOutcome } from './raw-event-writer';
export * from './projections';
export * from './sweeper-queries';
export * from './api-keys-repo';
export * from './dead-letters-repo';
