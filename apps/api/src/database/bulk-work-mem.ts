/**
 * `work_mem` for the statements that handle whole data sets in one go (an import's million lines,
 * a full reconciliation): their sorts and hashes then stay in memory instead of spilling to disk.
 * PostgreSQL's default (4 MB) suits many small concurrent queries; these run one at a time (an
 * advisory lock for the reconciliation, one confirmation per import). Set with `SET LOCAL`: it
 * ends with the transaction.
 */
export const BULK_WORK_MEM = '128MB';

export const SET_BULK_WORK_MEM = `SET LOCAL work_mem = '${BULK_WORK_MEM}'`;
