// The library lock with real processes (lock-child.ts, bundled once with esbuild and run by plain node, so
// that a hundred starts cost a hundred node starts and not a hundred TypeScript loaders): two starts raced many times, exactly
// one wins each round; a start right after the owner is SIGKILLed — including while the dead owner is still
// an unreaped zombie — is never refused; a pid file that is empty, or names some other live process (a
// reused pid), neither lets a second process in nor keeps one out.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LibraryLockedError, lockLibrary, LOCK_PID_FILE } from '../../../../src/main/core/storage/lock'
import { tempDir } from '../../../helpers/core'

const SOURCE = fileURLToPath(new URL('./lock-child.ts', import.meta.url))
let CHILD = ''
const RACES = 50
const KILLS = 50

const dirs: string[] = []
const dir = () => {
  const d = tempDir('bs-lock-')
  dirs.push(d)
  return d
}
const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url))
const env = { ...process.env, NODE_PATH: NODE_MODULES }
const children = new Set<ChildProcess>()
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  children.clear()
})
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
beforeAll(() => {
  CHILD = join(dir(), 'lock-child.cjs')
  // better-sqlite3 stays external: the child loads the same native module from node_modules (NODE_PATH).
  buildSync({ entryPoints: [SOURCE], outfile: CHILD, bundle: true, platform: 'node', format: 'cjs', external: ['better-sqlite3'], logLevel: 'error' })
})

const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())))

/** Resolves with the first line matching `match` on the child's stdout. */
function line(c: ChildProcess, match: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const onData = (d: Buffer) => {
      out += d.toString()
      const found = out.split('\n').find((l) => match.test(l))
      if (found) {
        c.stdout?.off('data', onData)
        resolve(found)
      }
    }
    c.stdout?.on('data', onData)
    c.stderr?.on('data', (d: Buffer) => (err += d.toString()))
    c.once('exit', (code, signal) => reject(new Error(`${what}: the child exited (${code ?? signal}) first: ${err}`)))
  })
}

/**
 * True once a killed process is dead but unreaped (Linux): its main thread a zombie and no other thread
 * left. The main thread shows Z while the others are still tearing down and the process still holds its
 * files (its locks) for a moment: that is a process still dying, not yet a dead owner.
 */
function isZombie(pid: number): boolean {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] === 'Z' && readdirSync(`/proc/${pid}/task`).length === 1
  } catch {
    return false
  }
}

/** A node child running lock-child.ts. */
function nodeChild(args: string[], ipc = false): ChildProcess {
  const c = spawn(process.execPath, [CHILD, ...args], { env, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])] })
  children.add(c)
  return c
}

/**
 * An owner that stays a zombie once killed: a shell starts it in the background and execs `sleep`, which
 * never reaps it. Resolves with the owner's pid once it holds the lock.
 */
async function zombieOwner(dataDir: string): Promise<{ pid: number; parent: ChildProcess }> {
  const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const parent = spawn('sh', ['-c', `${quoted(process.execPath)} ${quoted(CHILD)} hold ${quoted(dataDir)} & echo "pid $!"; exec sleep 120`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.add(parent)
  const pidLine = line(parent, /^pid \d+/, 'zombie owner')
  await line(parent, /^locked/, 'zombie owner')
  return { pid: Number((await pidLine).split(' ')[1]), parent }
}

describe('library lock', () => {
  it('refuses a second lock in the same process and gives it once released', () => {
    const d = dir()
    const release = lockLibrary(d)
    expect(readFileSync(join(d, LOCK_PID_FILE), 'utf8')).toBe(String(process.pid))
    expect(() => lockLibrary(d)).toThrow(LibraryLockedError)
    expect(() => lockLibrary(d)).toThrow(`Another Batch Studio process (pid ${process.pid}) is using the library in ${d}`)
    release()
    expect(existsSync(join(d, LOCK_PID_FILE))).toBe(false)
    lockLibrary(d)()
  })

  it('starts when the pid file names another live process (a reused pid), and refuses while the owner lives even if its pid file is empty', async () => {
    const d = dir()
    // A pid file from a crash whose pid now belongs to someone else: this test process's parent, alive.
    writeFileSync(join(d, LOCK_PID_FILE), String(process.ppid))
    lockLibrary(d)()

    const owner = nodeChild(['hold', d])
    await line(owner, /^locked/, 'owner')
    // The owner's pid file emptied (as the pid-file lock left it between creating and writing it): still refused.
    writeFileSync(join(d, LOCK_PID_FILE), '')
    expect(() => lockLibrary(d)).toThrow('Another Batch Studio process is using the library in')
    writeFileSync(join(d, LOCK_PID_FILE), 'not a pid')
    expect(() => lockLibrary(d)).toThrow(LibraryLockedError)
    owner.kill('SIGKILL')
    await exited(owner)
    lockLibrary(d)()
  })

  it(`lets exactly one of two processes win each of ${RACES} races`, { timeout: 120_000 }, async () => {
    const d = dir()
    const racers = [nodeChild(['race'], true), nodeChild(['race'], true)]
    const next = (c: ChildProcess) => new Promise<Record<string, unknown>>((resolve) => c.once('message', (m) => resolve(m as Record<string, unknown>)))
    await Promise.all(racers.map(next))
    const winners: number[] = []
    const refusals: string[] = []
    for (let round = 0; round < RACES; round++) {
      const answers = racers.map(next)
      for (const r of racers) r.send({ round, dataDir: d })
      const results = (await Promise.all(answers)) as { round: number; won: boolean; message: string }[]
      const won = results.filter((r) => r.won).length
      winners.push(won)
      refusals.push(...results.filter((r) => !r.won).map((r) => r.message))
      // The winner lets go for the next round.
      await Promise.all(racers.map((r, i) => (results[i].won ? (r.send({ release: true }), next(r)) : null)))
    }
    console.log(
      `lock races: ${RACES} rounds, winners per round ${JSON.stringify(Object.fromEntries([0, 1, 2].map((n) => [n, winners.filter((w) => w === n).length])))}`
    )
    expect(winners.filter((w) => w !== 1)).toEqual([])
    for (const m of refusals) expect(m).toMatch(/^Another Batch Studio process( \(pid \d+\))? is using the library in /)
  })

  it(`never refuses a start right after the owner is SIGKILLed (${KILLS} kills, half of them left as zombies)`, { timeout: 300_000 }, async () => {
    const d = dir()
    const zombies = process.platform === 'linux'
    let refused = 0
    let asZombie = 0
    const errors: string[] = []
    for (let i = 0; i < KILLS; i++) {
      if (zombies && i % 2 === 1) {
        const { pid, parent } = await zombieOwner(d)
        process.kill(pid, 'SIGKILL')
        const killedAt = Date.now()
        while (!isZombie(pid)) {
          if (Date.now() - killedAt > 5000) throw new Error(`process ${pid} did not become a zombie`)
          await new Promise((r) => setTimeout(r, 1))
        }
        asZombie++
        try {
          lockLibrary(d)()
        } catch (err) {
          refused++
          errors.push((err as Error).message)
        }
        parent.kill('SIGKILL')
        await exited(parent)
      } else {
        const owner = nodeChild(['hold', d])
        await line(owner, /^locked/, 'owner')
        owner.kill('SIGKILL')
        await exited(owner)
        try {
          lockLibrary(d)()
        } catch (err) {
          refused++
          errors.push((err as Error).message)
        }
      }
    }
    console.log(`lock after SIGKILL: ${KILLS} kills (${asZombie} left as zombies), ${refused} starts refused`)
    expect(errors).toEqual([])
    expect(refused).toBe(0)
  })

  it('recovers a lock database that is not a database', () => {
    const d = dir()
    writeFileSync(join(d, 'library.lock.sqlite'), 'x'.repeat(4096))
    const release = lockLibrary(d)
    expect(() => lockLibrary(d)).toThrow(LibraryLockedError)
    release()
  })
})
