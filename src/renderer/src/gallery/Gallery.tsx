// The Gallery tab: every downloaded result as a virtualised grid of thumbnails (rows of as many tiles as
// fit the chosen size), searchable by prompt and filtered by batch, provider, model, dates, favourites and
// rating; tiles open into the lightbox, can be selected (click the check, Ctrl/Cmd-click, Shift-click,
// Ctrl/Cmd+A), favourited and rated from the keyboard, exported, and handed to the composer as the input of
// an edit or upscale ("Use as input"). Reads only the local library, so it works offline; files gone from
// disk show as missing.
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type RefObject } from 'react'
import type { Asset } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { MAX_INPUTS, useComposerInputs, usedAsInputMessage } from '../composer/composerInputs'
import { Icon } from '../components/Icon'
import { ExportDialog, type ExportSource } from '../export/ExportDialog'
import { SendToDialog, type SendSource } from '../lineage/SendToDialog'
import { formatCount, MOD_KEY, plural } from '../format'
import { useDebounced } from '../hooks/useDebounced'
import { useStableCallback } from '../hooks/useLatest'
import { useLoadAround } from '../hooks/useLoadAround'
import { sessionValue, useSessionState } from '../hooks/useSessionState'
import { errorMessage, useToasts } from '../toasts'
import { GalleryFilters } from './GalleryFilters'
import { GalleryTile } from './GalleryTile'
import { EMPTY_QUERY, hasFilters, toFilter, type GalleryQuery, type GalleryWhere } from './galleryQuery'
import { Lightbox } from './Lightbox'
import { useGalleryPager } from './useGalleryPager'
import { useGallerySelection } from './useGallerySelection'
import { useMarks, type Mark } from './useMarks'
import './gallery-view.css'

const GAP = 8
const PADDING = 16
const MIN_TILE = 96
const MAX_TILE = 360
/** Rows of tiles beyond the view asked for in advance. */
const LOAD_MARGIN_ROWS = 6
/** Faster than this (about four screens a second) a tile waits to show its picture; slower, it shows. */
const FAST_PX_PER_MS = 4
const SLOW_PX_PER_MS = 2
const scrollMemory = sessionValue('gallery.scrollTop', 0)

function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0)
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const observer = new ResizeObserver(() => setWidth(el.clientWidth))
    observer.observe(el)
    setWidth(el.clientWidth)
    return () => observer.disconnect()
  }, [ref])
  return width
}

export function Gallery() {
  const { push } = useToasts()
  const { addAssets } = useComposerInputs()
  const [query, setQuery] = useSessionState<GalleryQuery>('gallery.query', EMPTY_QUERY)
  const [tileTarget, setTileTarget] = useSessionState('gallery.tile', 180)
  const [open, setOpen] = useState<number | null>(null)
  const [exporting, setExporting] = useState<{ source: ExportSource; count: number; what: string } | null>(null)
  const [sending, setSending] = useState<{ source: SendSource; count: number } | null>(null)
  /** What a bulk action is doing while it runs (collecting 100,000 ids takes a moment). */
  const [busy, setBusy] = useState<string | null>(null)
  const patchQuery = useCallback((patch: Partial<GalleryQuery>) => setQuery((q) => ({ ...q, ...patch })), [setQuery])
  const text = useDebounced(query.text, 250)
  const filterKey = JSON.stringify(toFilter({ ...query, text }))
  const filter = useMemo(() => JSON.parse(filterKey) as GalleryWhere, [filterKey])
  const scrollRef = useRef<HTMLDivElement>(null)

  const width = Math.max(0, useWidth(scrollRef) - PADDING * 2)
  const columns = Math.max(1, Math.floor((width + GAP) / (tileTarget + GAP)))
  const tile = width ? (width - GAP * (columns - 1)) / columns : tileTarget
  const rowHeight = tile + GAP

  const getAnchor = useCallback(() => {
    const el = scrollRef.current
    if (!el || el.scrollTop < rowHeight / 2) return null
    return Math.floor(el.scrollTop / rowHeight) * columns
  }, [rowHeight, columns])
  const onError = useCallback((err: unknown) => push('error', `Could not load the gallery: ${errorMessage(err)}`), [push])
  const { list, refresh } = useGalleryPager(filter, getAnchor, onError)
  const sel = useGallerySelection(list, filter)
  const { markOne, markMany } = useMarks(list, refresh)

  // A new search or filter starts at the top (but coming back to the tab restores where the user was).
  const shownFilter = useRef(filterKey)
  useEffect(() => {
    if (shownFilter.current === filterKey) return
    shownFilter.current = filterKey
    scrollRef.current?.scrollTo({ top: 0 })
  }, [filterKey])

  const virtualizer = useVirtualizer({
    count: Math.ceil(list.total / columns),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
    paddingStart: PADDING,
    paddingEnd: PADDING,
    initialOffset: scrollMemory.get
  })
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight])

  // How fast the grid moves: above FAST px/ms new tiles hold their pictures until it slows below SLOW.
  const [flying, setFlying] = useState(false)
  const motion = useRef({ top: 0, at: 0, speed: 0 })
  const onScroll = () => {
    const el = scrollRef.current
    if (!el) return
    scrollMemory.set(el.scrollTop)
    const now = performance.now()
    const m = motion.current
    const dt = now - m.at
    if (dt > 0 && dt < 200) m.speed = 0.6 * m.speed + 0.4 * (Math.abs(el.scrollTop - m.top) / dt)
    else m.speed = dt >= 200 ? 0 : m.speed
    m.top = el.scrollTop
    m.at = now
    if (!flying && m.speed > FAST_PX_PER_MS) setFlying(true)
    else if (flying && m.speed < SLOW_PX_PER_MS) setFlying(false)
  }
  if (flying && !virtualizer.isScrolling) setFlying(false)

  const rows = virtualizer.getVirtualItems()
  const firstRow = rows[0]?.index ?? 0
  const lastRow = rows[rows.length - 1]?.index ?? 0
  const scrolling = virtualizer.isScrolling
  useLoadAround(list, firstRow * columns, (lastRow + 1) * columns - 1, LOAD_MARGIN_ROWS * columns, scrolling, rows.length > 0)

  // New results arrive at the top; when the user is scrolled down, keep what they look at where it was.
  const pendingRows = useRef(0)
  useEffect(() => list.onShift((by) => (pendingRows.current += Math.floor(by / columns))), [list, columns])
  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el || pendingRows.current === 0) return
    el.scrollTop += pendingRows.current * rowHeight
    pendingRows.current = 0
  })
  // The open item is held by position; follow it when items are inserted before it.
  useEffect(() => list.onShift((by) => setOpen((i) => (i === null ? i : i + by))), [list])

  // Keyboard focus follows the cursor onto its tile once that tile is rendered (it may need a page first).
  const focusCursor = useRef(false)
  useEffect(() => {
    if (!focusCursor.current || sel.cursor === null) return
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${sel.cursor}"]`)
    if (!el) return
    focusCursor.current = false
    el.focus({ preventScroll: true })
  })

  const { cursor, setCursor, toggle, extendTo } = sel
  const moveCursor = (index: number, extend: boolean) => {
    if (list.total === 0) return
    const target = Math.max(0, Math.min(list.total - 1, index))
    if (extend) void extendTo(target).catch((err) => push('error', `Could not select that range: ${errorMessage(err)}`))
    else setCursor(target)
    focusCursor.current = true
    virtualizer.scrollToIndex(Math.floor(target / columns), { align: 'auto' })
  }

  const onTileClick = useStableCallback((e: MouseEvent, index: number, asset: Asset) => {
    const onCheck = (e.target as HTMLElement).closest('[data-role="check"]') !== null
    if (e.shiftKey) void extendTo(index).catch((err) => push('error', `Could not select that range: ${errorMessage(err)}`))
    else if (e.metaKey || e.ctrlKey || onCheck) toggle(asset, index)
    else {
      setCursor(index)
      setOpen(index)
    }
  })

  const navigate = useCallback(
    (index: number) => {
      setOpen(index)
      setCursor(index)
      virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' })
    },
    [virtualizer, columns, setCursor]
  )
  const close = useCallback(() => {
    setOpen(null)
    focusCursor.current = true
    scrollRef.current?.focus({ preventScroll: true })
  }, [])
  const onLightboxMark = useStableCallback((asset: Asset, mark: Mark) => void markOne(asset, mark))

  /** What the keys and the bulk bar act on: the selection, or else the tile under the cursor. */
  const markTargets = async (make: (cached: Asset[]) => Mark) => {
    if (sel.count === 0) {
      const asset = cursor === null ? undefined : list.get(cursor)
      if (asset) await markOne(asset, make([asset]))
      return
    }
    const cached: Asset[] = []
    for (let i = Math.max(0, firstRow * columns - 200); i < Math.min(list.total, (lastRow + 1) * columns + 200); i++) {
      const a = list.get(i)
      if (a && sel.isSelected(a.id)) cached.push(a)
    }
    const mark = make(cached)
    try {
      setBusy('Collecting the selection…')
      const ids = await sel.resolveIds((n, total) => setBusy(`Collecting ${formatCount(n)} of ${formatCount(total)}…`))
      setBusy(null)
      await markMany(ids, mark)
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(null)
    }
  }
  const toggleFavorite = () => void markTargets((cached) => ({ favorite: !(cached.length > 0 && cached.every((a) => a.favorite)) }))
  // As in the lightbox, a key for the rating they all have already clears it.
  const rate = (n: number) => void markTargets((cached) => ({ rating: cached.length > 0 && cached.every((a) => a.rating === n) ? 0 : n }))

  const onGridKeyDown = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey
    const at = cursor ?? -1
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight) / rowHeight) - 1)
    let handled = true
    if (e.key === 'ArrowRight') moveCursor(at + 1, e.shiftKey)
    else if (e.key === 'ArrowLeft') moveCursor(Math.max(0, at - 1), e.shiftKey)
    else if (e.key === 'ArrowDown') moveCursor(at < 0 ? 0 : at + columns, e.shiftKey)
    else if (e.key === 'ArrowUp') moveCursor(Math.max(0, at - columns), e.shiftKey)
    else if (e.key === 'PageDown') moveCursor(Math.max(0, at) + pageRows * columns, e.shiftKey)
    else if (e.key === 'PageUp') moveCursor(at - pageRows * columns, e.shiftKey)
    else if (e.key === 'Home') moveCursor(0, e.shiftKey)
    else if (e.key === 'End') moveCursor(list.total - 1, e.shiftKey)
    else if (e.key === 'Enter' && cursor !== null && list.get(cursor)) setOpen(cursor)
    else if (e.key === ' ' && cursor !== null && list.get(cursor)) toggle(list.get(cursor)!, cursor)
    else if (mod && e.key.toLowerCase() === 'a') sel.selectAll()
    else if (e.key === 'Escape' && sel.count > 0) sel.clear()
    else if (mod || e.altKey) handled = false
    else if (e.key === 'f' || e.key === 'F') toggleFavorite()
    else if (e.key === 's' || e.key === 'S') void startSend()
    else if (/^[0-5]$/.test(e.key)) rate(Number(e.key))
    else handled = false
    if (handled) e.preventDefault()
  }

  const rescan = async () => {
    setBusy('Checking files on disk…')
    try {
      const { checked, missing } = await getBridge().rescanLibrary(undefined)
      push(missing ? 'info' : 'success', `Rescanned ${plural(checked, 'file')}: ${missing ? `${formatCount(missing)} missing on disk` : 'none missing'}`)
      refresh()
    } catch (err) {
      push('error', `Could not rescan the library: ${errorMessage(err)}`)
    } finally {
      setBusy(null)
    }
  }

  const startExport = async () => {
    if (sel.count === 0) {
      setExporting({ source: { filter }, count: list.total, what: hasFilters(query) || text.trim() ? 'every item matching the filter' : 'the whole gallery' })
      return
    }
    if (sel.selection.all && sel.selection.except.size === 0) {
      setExporting({ source: { filter }, count: sel.count, what: 'every selected item' })
      return
    }
    try {
      setBusy('Collecting the selection…')
      const ids = await sel.resolveIds((n, total) => setBusy(`Collecting ${formatCount(n)} of ${formatCount(total)}…`))
      if (ids.length) setExporting({ source: { assetIds: ids }, count: ids.length, what: 'the selected items' })
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

  /** Send to…: the selection (or the tile under the cursor), as ids or, for "all", as the filter. */
  const startSend = async () => {
    if (sel.count === 0) {
      const asset = cursor === null ? undefined : list.get(cursor)
      if (asset) setSending({ source: { assetIds: [asset.id] }, count: 1 })
      return
    }
    if (sel.selection.all && sel.selection.except.size === 0) return setSending({ source: { filter }, count: sel.count })
    try {
      setBusy('Collecting the selection…')
      const ids = await sel.resolveIds((n, total) => setBusy(`Collecting ${formatCount(n)} of ${formatCount(total)}…`))
      if (ids.length) setSending({ source: { assetIds: ids }, count: ids.length })
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

  const selectionAsInput = async () => {
    try {
      setBusy('Collecting the selection…')
      const ids = (await sel.resolveIds((n, total) => setBusy(`Collecting ${formatCount(n)} of ${formatCount(total)}…`))).slice(0, MAX_INPUTS)
      // Items not loaded on screen are named by id; main checks their type by their bytes when queued.
      const assets = ids.map((id) => list.get(list.indexOf(id) ?? -1) ?? { id, mime: 'image/*', prompt: `Gallery item ${id}` })
      setBusy(null)
      push('success', usedAsInputMessage(addAssets(assets), assets.length))
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

  const filtered = hasFilters(query) || text.trim() !== ''
  return (
    <div className="gallery-view">
      <div className="toolbar">
        <label className="search-field">
          <Icon name="search" />
          <input
            type="search"
            aria-label="Search gallery"
            placeholder="Search prompts…"
            value={query.text}
            onChange={(e) => setQuery((q) => ({ ...q, text: e.target.value }))}
          />
        </label>
        <span className="muted gallery-count" data-testid="gallery-count">
          {list.loaded ? `${formatCount(list.total)}${filtered ? ' matching' : ''} ${list.total === 1 ? 'item' : 'items'}` : 'Loading…'}
        </span>
        <div className="toolbar-actions">
          <button
            type="button"
            className="button small"
            disabled={busy !== null}
            title="Check every file in the library is still on disk"
            onClick={() => void rescan()}
          >
            <Icon name="refresh" size={14} /> Rescan library
          </button>
          <button
            type="button"
            className="button small"
            disabled={busy !== null || (sel.count === 0 && list.total === 0)}
            title={sel.count ? 'Export the selected items' : 'Export every item shown (the current filter)'}
            onClick={() => void startExport()}
          >
            <Icon name="download" size={14} /> {sel.count ? `Export ${formatCount(sel.count)}…` : filtered ? 'Export filtered…' : 'Export all…'}
          </button>
          <label className="size-slider">
            <Icon name="gallery" size={14} />
            <input
              type="range"
              aria-label="Thumbnail size"
              min={MIN_TILE}
              max={MAX_TILE}
              step={4}
              value={tileTarget}
              onChange={(e) => setTileTarget(Number(e.target.value))}
            />
          </label>
        </div>
      </div>
      <GalleryFilters query={query} onChange={patchQuery} />
      <div className={`gallery-selbar${sel.count ? ' active' : ''}`} aria-live="polite">
        {sel.count ? (
          <>
            <span className="selbar-count" data-testid="gallery-selection-count">
              {sel.selection.all ? `All ${plural(sel.count, 'item')} selected` : `${plural(sel.count, 'item')} selected`}
            </span>
            <button type="button" className="button small" disabled={busy !== null} onClick={() => void markTargets(() => ({ favorite: true }))}>
              <Icon name="heart" size={14} filled /> Favourite
            </button>
            <button type="button" className="button small" disabled={busy !== null} onClick={() => void markTargets(() => ({ favorite: false }))}>
              <Icon name="heart" size={14} /> Unfavourite
            </button>
            <button type="button" className="button small" disabled={busy !== null} onClick={() => void startExport()}>
              <Icon name="download" size={14} /> Export selected…
            </button>
            <button
              type="button"
              className="button small"
              disabled={busy !== null}
              title="Start an edit, upscale or image-to-video from these (in the composer)"
              onClick={() => void selectionAsInput()}
            >
              <Icon name="upload" size={14} /> Use as input
            </button>
            <button
              type="button"
              className="button small"
              disabled={busy !== null}
              title="Upscale, edit or animate each of these as a new batch (S)"
              onClick={() => void startSend()}
            >
              <Icon name="right" size={14} /> Send to…
            </button>
            <button type="button" className="link-button" onClick={sel.clear}>
              Clear selection
            </button>
          </>
        ) : (
          <span className="muted hint">
            Click to open · {MOD_KEY}/Shift-click or the check to select · {MOD_KEY}+A selects all · F favourite · 1–5 rate · S send to…
          </span>
        )}
        {busy && <span className="muted">{busy}</span>}
      </div>
      <div
        ref={scrollRef}
        className={`gallery-scroll${scrolling ? ' scrolling' : ''}`}
        role="grid"
        aria-label="Gallery"
        aria-multiselectable="true"
        aria-rowcount={Math.ceil(list.total / columns)}
        tabIndex={0}
        data-testid="gallery-grid"
        onKeyDown={onGridKeyDown}
        onScroll={onScroll}
      >
        <div className="gallery-rows" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => (
            <div
              key={row.key}
              role="row"
              aria-rowindex={row.index + 1}
              className="gallery-row"
              style={{ transform: `translateY(${row.start}px)`, height: tile, gap: GAP, left: PADDING, right: PADDING }}
            >
              {Array.from({ length: columns }, (_, col) => {
                const index = row.index * columns + col
                if (index >= list.total) return null
                const asset = list.get(index)
                return asset ? (
                  <GalleryTile
                    key={asset.id}
                    asset={asset}
                    index={index}
                    size={tile}
                    selected={sel.isSelected(asset.id)}
                    cursor={cursor === index}
                    selecting={sel.count > 0}
                    deferImage={flying}
                    onTileClick={onTileClick}
                    onMark={onLightboxMark}
                  />
                ) : (
                  <div key={`pending-${index}`} role="gridcell" className="gallery-tile pending" style={{ width: tile, height: tile }} />
                )
              })}
            </div>
          ))}
        </div>
        {list.loaded && list.total === 0 && (
          <div className="empty-state">
            <Icon name="image" size={28} />
            <p>
              {text.trim()
                ? `Nothing matches “${text.trim()}”${hasFilters(query) ? ' with these filters' : ''}.`
                : hasFilters(query)
                  ? 'Nothing matches these filters.'
                  : 'No results yet. Finished jobs land here.'}
            </p>
          </div>
        )}
      </div>
      {open !== null && <Lightbox list={list} index={open} onNavigate={navigate} onClose={close} onMark={onLightboxMark} />}
      {sending && <SendToDialog source={sending.source} count={sending.count} what="picture" onClose={() => setSending(null)} onSent={() => sel.clear()} />}
      {exporting && <ExportDialog source={exporting.source} count={exporting.count} what={exporting.what} onClose={() => setExporting(null)} />}
    </div>
  )
}
