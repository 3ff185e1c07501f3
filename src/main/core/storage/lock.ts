// One process at a time drives a library: two pollers on one database could each submit the same queued
// job. The lock is an exclusive SQLite lock on a database of its own, `library.lock.sqlite`, held by an open
// `BEGIN EXCLUSIVE` for as long as the library is open: a lock the OS holds for the process (fcntl on
// POSIX, LockFileEx on Windows) and drops the moment the process dies, whatever killed it — no stale lock
// after a SIGKILL or a power cut, no zombie or reused pid that blocks a start, no window between creating
// and filling a file in which a second process could take it over.
//
// `library.lock` beside it holds the owner's pid, for the error message only (and so that an older Batch
// Studio, which took that file as its lock, still sees the library in use). The lock database is never
// deleted: removing a locked file would let the next process lock a new file while the old owner runs on.
// In this process nothing else may open and close the lock database: POSIX drops a process's fcntl locks
// on a file when any of its descriptors for that file is closed.
import Database from 'better-sqlite3'
import { readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export class LibraryLockedError extends Error {
  constructor(
    /** The owner's pid as it wrote it, for the message; null when it is not known. */
    readonly pid: number | null,
    readonly dataDir: string
  ) {
    super(`Another Batch Studio process${pid ? ` (pid ${pid})` : ''} is using the library in ${dataDir}. Close it first, or use another data folder.`)
    this.name = 'LibraryLockedError'
  }
}

export interface LockOptions {
  /** Path to an Electron-ABI build of better-sqlite3 (the one openDb gets); Node loads its own. */
  nativeBinding?: string
}

export const LOCK_DATABASE = 'library.lock.sqlite'
export const LOCK_PID_FILE = 'library.lock'

/** The locks this process holds, so that they stay referenced (never collected and closed). */
const held = new Set<Database.Database>()

function ownerPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, LOCK_PID_FILE), 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function tryLock(file: string, options: LockOptions): Database.Database | 'busy' | 'damaged' {
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of waiting for the owner.
  const db = new Database(file, { timeout: 0, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
    return db
  } catch (err) {
    db.close()
    const code = (err as { code?: string }).code
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'busy'
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return 'damaged'
    throw err
  }
}

/**
 * Takes the library's lock, or throws LibraryLockedError when another process (or another open core in
 * this one) holds it. Returns its release.
 */
export function lockLibrary(dataDir: string, options: LockOptions = {}): () => void {
  const file = join(dataDir, LOCK_DATABASE)
  let db = tryLock(file, options)
  // Two starts at the same moment can each make the other busy for an instant; an owner stays busy.
  for (let attempt = 0; db === 'busy' && attempt < 3; attempt++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40 + Math.random() * 80)
    db = tryLock(file, options)
  }
  if (db === 'damaged') {
    // Not a database (a disk error, someone's edit): no process can hold a lock on it, since taking one
    // reads the header. Emptied, it is a valid empty database again; nothing here ever writes to it, so
    // emptying it under a process that locked it a moment ago loses nothing.
    truncateSync(file, 0)
    db = tryLock(file, options)
  }
  if (db === 'busy') throw new LibraryLockedError(ownerPid(dataDir), dataDir)
  if (db === 'damaged') throw new Error(`The lock file ${file} is damaged; with no Batch Studio running, delete it and start again`)
  const lock = db
  held.add(lock)
  const pidFile = join(dataDir, LOCK_PID_FILE)
  try {
    const temp = `${pidFile}.${process.pid}.tmp`
    writeFileSync(temp, String(process.pid))
    renameSync(temp, pidFile)
  } catch {
    // Informational only: the lock holds without it.
  }
  let released = false
  return () => {
    if (released) return
    released = true
    // The pid file first: once the lock is dropped, the next owner may write its own.
    rmSync(pidFile, { force: true })
    held.delete(lock)
    lock.close()
  }
}
