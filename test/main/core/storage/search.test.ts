// Full-text search against a real 20,000-item library file: what a user types is deduped and capped before
// it reaches FTS5, so a pasted wall of one-letter words costs what a normal search costs, and the results
// of an ordinary search are unchanged.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateLibrary } from '../../../../bench/library-fixture'
import { openDb } from '../../../../src/main/core/storage/db'
import { dbPath } from '../../../../src/main/core/storage/paths'
import { ftsQuery, MAX_SEARCH_TERMS, Store } from '../../../../src/main/core/storage/store'
import { tempDir } from '../../../helpers/core'

const terms = (text: string) => ftsQuery(text)?.split(' ') ?? []

describe('ftsQuery', () => {
  it('keeps each word once, however it is cased', () => {
    expect(ftsQuery('fox Fox FOX fox')).toBe('"fox"*')
    expect(ftsQuery('Crème creme CRÈME')).toBe('"Crème"*')
  })

  it('drops a word that begins another one (every word matches as a prefix, so it adds nothing)', () => {
    expect(ftsQuery('light lighthouse li')).toBe('"lighthouse"*')
    expect(ftsQuery('fox forest')).toBe('"fox"* "forest"*')
  })

  it('drops one-letter words when longer ones are there, and keeps them when they are all there is', () => {
    expect(ftsQuery('a fox b')).toBe('"fox"*')
    expect(ftsQuery('x')).toBe('"x"*')
    expect(ftsQuery('x 7')).toBe('"x"* "7"*')
  })

  it(`sends at most ${MAX_SEARCH_TERMS} words, in the order typed`, () => {
    const many = Array.from({ length: 250 }, (_, i) => `word${String(i).padStart(3, '0')}x`).join(' ')
    expect(terms(many)).toHaveLength(MAX_SEARCH_TERMS)
    expect(terms(many)[0]).toBe('"word000x"*')
    expect(terms(Array.from({ length: 250 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[i % 26]).join(' ')).length).toBeLessThanOrEqual(MAX_SEARCH_TERMS)
    expect(terms('é'.repeat(100_000))[0].length).toBeLessThan(100)
  })

  it('lets no FTS5 syntax through', () => {
    expect(ftsQuery('" OR NEAR(a b) * ^col:x')).toBe('"OR"* "NEAR"* "col"*')
    expect(ftsQuery('*** ""')).toBeNull()
  })
})

describe('search on a 20,000-item library', () => {
  let dir: string
  let store: Store
  beforeAll(() => {
    dir = tempDir('bs-search-')
    generateLibrary(dir, { jobs: 20_000 })
    store = new Store(openDb(dbPath(dir)))
  }, 120_000)
  afterAll(() => {
    store?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const jobs = (text: string) => store.listJobs({ offset: 0, limit: 100, text }).total
  const gallery = (text: string) => store.listGallery({ offset: 0, limit: 100, text }).total

  /** Median of 5 runs, in ms. */
  function median(run: () => unknown): number {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const start = performance.now()
      run()
      times.push(performance.now() - start)
    }
    return times.sort((a, b) => a - b)[2]
  }

  it('finds what it found before for ordinary searches', () => {
    // Fixture prompts are "<subject> <style> #<n>": 12 subjects, 10 styles.
    expect(jobs('fox')).toBeGreaterThan(1000)
    expect(jobs('Fox fox FOX')).toBe(jobs('fox'))
    expect(jobs('light lighthouse')).toBe(jobs('lighthouse'))
    expect(jobs('fox dawn')).toBeGreaterThan(0)
    expect(jobs('fox dawn')).toBeLessThan(jobs('fox'))
    expect(gallery('fox dawn fox')).toBe(gallery('fox dawn'))
  })

  it('answers a pasted wall of one-letter words about as fast as an ordinary search', () => {
    // Before the cap: 250 words alternating "f" and "i" (both match thousands of prompts) took a median
    // of ~430 ms for the jobs list and as much for the gallery.
    const wall = Array.from({ length: 250 }, (_, i) => 'fi'[i % 2]).join(' ')
    const jobsMs = median(() => jobs(wall))
    const galleryMs = median(() => gallery(wall))
    console.log(`250 one-letter words on 20k rows: jobs ${jobsMs.toFixed(1)} ms, gallery ${galleryMs.toFixed(1)} ms`)
    expect(jobs(wall)).toBe(jobs('f i'))
    expect(jobsMs).toBeLessThan(150)
    expect(galleryMs).toBeLessThan(150)
  })
})
