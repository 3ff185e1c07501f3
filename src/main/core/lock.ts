// One process at a time drives a library: two pollers on one database could each submit the same queued
// job. The lock is a file holding the owner's pid, taken with O_EXCL; a lock whose process is gone (a
// crash, a SIGKILL) is taken over.
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'

export class LibraryLockedError extends Error {
  constructor(
    readonly pid: number,
    dataDir: string
  ) {
    super(`Another Batch Studio process (pid ${pid}) is using the library in ${dataDir}. Close it first, or use another data folder.`)
    this.name = 'LibraryLockedError'
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the library's lock; returns its release. */
export function lockLibrary(dataDir: string): () => void {
  const file = join(dataDir, 'library.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (pid && pid !== process.pid && alive(pid)) throw new LibraryLockedError(pid, dataDir)
      // Stale (or our own from a core that was not closed): take it over.
      rmSync(file, { force: true })
    }
  }
  throw new Error(`Could not lock the library in ${dataDir}`)
}
