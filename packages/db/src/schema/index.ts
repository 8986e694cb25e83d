export * from './tenants';
export * from './raw-events';
export * from './interactions';
export * from './flows';
export * from './access';
export * from './operations';
