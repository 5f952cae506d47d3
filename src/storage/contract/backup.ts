/**
 * The backup part of the storage contract: a consistent copy of the whole database taken while
 * the node may be serving (README "Backup and restore"). SQLite copies itself with its online
 * backup API; PostgreSQL is backed up with its own tools (pg_dump, base backups), so there the
 * method refuses with a message that says so.
 */

/** What a finished backup reports. */
export interface BackupResult {
  /** Where the copy was written. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
}

export interface BackupStore {
  /**
   * Writes a consistent copy of the database to `path` (a new file, mode 0600), while other
   * connections may keep reading and writing. Refuses an existing `path`.
   */
  backupTo(path: string): Promise<BackupResult>;
}
