export {
  NOTHING_WRITTEN,
  SYNC_PAGE_SQL,
  UPSERT_PAGE_SQL,
  encodeInvoices,
  syncPageParams,
  type EncodedInvoices,
  type PageProgress,
  type PageWriteResult,
} from './lib/sync-page';
