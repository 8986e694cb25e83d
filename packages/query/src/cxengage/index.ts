export { toCxEngageDetail, cxengageId, CXENGAGE_ID_NAMESPACE } from './to-cxengage';
export type * from './to-cxengage';
