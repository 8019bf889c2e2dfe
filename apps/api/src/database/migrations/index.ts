import { CreateBudget1764000000000 } from './1764000000000-create-budget';
import { UsersSessionsAudit1764000100000 } from './1764000100000-users-sessions-audit';
import { ChorusSync1764000200000 } from './1764000200000-chorus-sync';
import { AstreImports1764000300000 } from './1764000300000-astre-imports';
import { Anomalies1764000400000 } from './1764000400000-anomalies';
import { StatsIndexes1764000500000 } from './1764000500000-stats-indexes';
import { ListIndexes1764000600000 } from './1764000600000-list-indexes';
import { AnomalyListColumns1764000700000 } from './1764000700000-anomaly-list-columns';
import { BulkDerivedTables1764000800000 } from './1764000800000-bulk-derived-tables';
import { AnomalyCounts1764000900000 } from './1764000900000-anomaly-counts';
import { MatchAstreFacts1764001000000 } from './1764001000000-match-astre-facts';
import { SyncWritePath1764001100000 } from './1764001100000-sync-write-path';
import { AssigneeNameOnInsert1764001200000 } from './1764001200000-assignee-name-on-insert';

/** Every migration, in order. Listed explicitly so that the bundled build needs no file globbing. */
export const MIGRATIONS = [
  CreateBudget1764000000000,
  UsersSessionsAudit1764000100000,
  ChorusSync1764000200000,
  AstreImports1764000300000,
  Anomalies1764000400000,
  StatsIndexes1764000500000,
  ListIndexes1764000600000,
  AnomalyListColumns1764000700000,
  BulkDerivedTables1764000800000,
  AnomalyCounts1764000900000,
  MatchAstreFacts1764001000000,
  SyncWritePath1764001100000,
  AssigneeNameOnInsert1764001200000,
];
