// The process lock.test.ts races and kills. `hold <dataDir>`: takes the library's lock, prints "locked",
// and lives until killed. `race`: takes orders over IPC — {round, dataDir} tries the lock and answers
// {round, won, message}; {release} drops a lock it won — so that one pair of processes can race many rounds.
import { lockLibrary } from '../../../../src/main/core/storage/lock'

const [mode, dataDir] = process.argv.slice(2)
if (mode === 'hold') {
  lockLibrary(dataDir)
  process.stdout.write('locked\n')
  setInterval(() => undefined, 60_000)
} else if (mode === 'race') {
  let release: (() => void) | null = null
  process.on('disconnect', () => process.exit(0))
  process.on('message', (m: { round?: number; dataDir?: string; release?: boolean }) => {
    if (m.release) {
      release?.()
      release = null
      process.send?.({ released: true })
      return
    }
    try {
      release = lockLibrary(m.dataDir!)
      process.send?.({ round: m.round, won: true, message: '' })
    } catch (err) {
      process.send?.({ round: m.round, won: false, message: (err as Error).message })
    }
  })
  process.send?.({ ready: true })
} else {
  throw new Error(`lock-child: unknown mode ${mode}`)
}
