// One result, large, with what made it. Left/Right step through the gallery in its current order (loading
// further pages as needed), F and 1–5 favourite and rate it, + / - / 0 and the wheel zoom, Escape closes.
// The prompt can be copied or queued again on another provider or model, and the picture can be the input of
// the composer's next edit or upscale.
import { useEffect, useRef, useState } from 'react'
import type { Asset } from '../../../shared/contract'
import { providerInfo } from '../../../shared/catalogue'
import { getBridge } from '../bridge'
import { useComposerInputs, usedAsInputMessage } from '../composer/composerInputs'
import { Icon } from '../components/Icon'
import { formatBytes, formatCount, formatDateTime, mediaType } from '../format'
import type { PagedList } from '../pagedList'
import { errorMessage, useToasts } from '../toasts'
import { modelName } from '../modelNames'
import { RequeuePicker } from './RequeuePicker'
import { LineageStrip } from '../lineage/LineageStrip'
import { SendToDialog } from '../lineage/SendToDialog'
import type { Mark } from './useMarks'
import { ZoomableMedia } from './ZoomableMedia'

interface LightboxProps {
  list: PagedList<Asset>
  index: number
  onNavigate(index: number): void
  onClose(): void
  onMark(asset: Asset, mark: Mark): void
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    // No clipboard permission (a plain http page): the old way still works from a user gesture.
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.appendChild(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    if (!ok) throw new Error('the clipboard is not available')
  }
}

/** 1–5 sets that rating; the rating it already has clears it (0 is zoom-to-fit). */
export function ratingForKey(current: number, key: number): number {
  return current === key ? 0 : key
}

export function Lightbox({ list, index, onNavigate, onClose, onMark }: LightboxProps) {
  const { push } = useToasts()
  const { addAssets } = useComposerInputs()
  // Walking the lineage strip shows a parent's or child's file in place of the gallery's item.
  const [walked, setWalked] = useState<{ from: number; asset: Asset } | null>(null)
  const listed = list.get(index)
  const asset = walked && walked.from === index ? walked.asset : listed
  const [sending, setSending] = useState(false)
  const hasPrev = index > 0
  const hasNext = index < list.total - 1
  const closeButton = useRef<HTMLButtonElement>(null)
  const [requeueFor, setRequeueFor] = useState<number | null>(null)
  const requeueOpen = asset !== undefined && requeueFor === asset.id

  useEffect(() => {
    if (!asset) list.ensure(index, index)
  }, [asset, index, list])

  // Fetch the neighbours' pages and files ahead, so stepping through feels instant.
  useEffect(() => {
    for (const i of [index - 1, index + 1]) {
      const near = list.get(i)
      if (i < 0 || i >= list.total) continue
      if (!near) list.ensure(i, i)
      else if (mediaType(near.mime) === 'image' && !near.missing) new Image().src = getBridge().assetUrl(near.id, 'file')
    }
  }, [index, list, asset])

  useEffect(() => {
    closeButton.current?.focus()
  }, [])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        if (requeueOpen) setRequeueFor(null)
        else onClose()
      } else if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || sending) return
      else if (e.key === 'ArrowLeft' && hasPrev) onNavigate(index - 1)
      else if (e.key === 'ArrowRight' && hasNext) onNavigate(index + 1)
      else if ((e.key === 'f' || e.key === 'F') && asset) onMark(asset, { favorite: !asset.favorite })
      else if ((e.key === 's' || e.key === 'S') && asset && !asset.missing) setSending(true)
      else if (/^[1-5]$/.test(e.key) && asset) onMark(asset, { rating: ratingForKey(asset.rating, Number(e.key)) })
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [index, hasPrev, hasNext, onNavigate, onClose, onMark, asset, requeueOpen, sending])

  const copyPrompt = () => {
    if (!asset) return
    copyText(asset.prompt).then(
      () => push('success', 'Prompt copied'),
      (err) => push('error', `Could not copy: ${errorMessage(err)}`)
    )
  }

  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label="Preview" data-testid="lightbox" data-asset-id={asset?.id}>
      <div className="lightbox-stage">
        {asset ? <ZoomableMedia key={asset.id} asset={asset} onBackgroundClick={onClose} /> : <div className="lightbox-loading">Loading…</div>}
        <button
          type="button"
          className="lightbox-nav prev"
          aria-label="Previous"
          title="Previous (←)"
          disabled={!hasPrev}
          onClick={() => onNavigate(index - 1)}
        >
          <Icon name="left" size={24} />
        </button>
        <button type="button" className="lightbox-nav next" aria-label="Next" title="Next (→)" disabled={!hasNext} onClick={() => onNavigate(index + 1)}>
          <Icon name="right" size={24} />
        </button>
      </div>
      <aside className="lightbox-info">
        <div className="lightbox-top">
          <span className="muted">
            {formatCount(index + 1)} / {formatCount(list.total)}
          </span>
          <button ref={closeButton} type="button" className="icon-button" aria-label="Close preview" title="Close (Esc)" onClick={onClose}>
            <Icon name="close" />
          </button>
        </div>
        {asset && (
          <>
            <div className="lightbox-marks">
              <button
                type="button"
                className={`mark-button heart${asset.favorite ? ' on' : ''}`}
                aria-pressed={asset.favorite}
                aria-label="Favourite"
                title="Favourite (F)"
                data-testid="lightbox-favorite"
                onClick={() => onMark(asset, { favorite: !asset.favorite })}
              >
                <Icon name="heart" size={18} filled={asset.favorite} />
              </button>
              <div className="stars" role="radiogroup" aria-label="Rating" data-testid="lightbox-rating" data-rating={asset.rating}>
                {[1, 2, 3, 4, 5].map((n) => (
                  <button
                    key={n}
                    type="button"
                    role="radio"
                    aria-checked={asset.rating === n}
                    aria-label={`${n} star${n === 1 ? '' : 's'}`}
                    title={`${n} (${n})`}
                    className={`mark-button star${n <= asset.rating ? ' on' : ''}`}
                    onClick={() => onMark(asset, { rating: ratingForKey(asset.rating, n) })}
                  >
                    <Icon name="star" size={17} filled={n <= asset.rating} />
                  </button>
                ))}
              </div>
            </div>
            <p className="lightbox-prompt" data-testid="lightbox-prompt">
              {asset.prompt}
            </p>
            <div className="lightbox-actions">
              <button type="button" className="button small" onClick={copyPrompt}>
                <Icon name="copy" size={14} /> Copy prompt
              </button>
              <button type="button" className="button small" aria-expanded={requeueOpen} onClick={() => setRequeueFor(requeueOpen ? null : asset.id)}>
                <Icon name="retry" size={14} /> Re-queue…
              </button>
              <button
                type="button"
                className="button small"
                disabled={asset.missing}
                title={asset.missing ? 'The file is missing on disk' : 'Start an edit, upscale or image-to-video from this picture (in the composer)'}
                onClick={() => push('success', usedAsInputMessage(addAssets([asset]), 1))}
              >
                <Icon name="upload" size={14} /> Use as input
              </button>
              <button
                type="button"
                className="button small"
                disabled={asset.missing}
                title="Upscale, edit or animate this picture as a new batch (S)"
                onClick={() => setSending(true)}
              >
                <Icon name="right" size={14} /> Send to…
              </button>
            </div>
            <LineageStrip
              jobId={asset.jobId}
              onOpen={(job) => {
                getBridge()
                  .getJob({ id: job.id })
                  .then(
                    (found) => {
                      const file = found?.assets[0]
                      if (file) setWalked({ from: index, asset: file })
                      else push('info', `Job ${job.id} has no file yet (${job.status})`)
                    },
                    (err) => push('error', errorMessage(err))
                  )
              }}
            />
            {sending && <SendToDialog source={{ assetIds: [asset.id] }} count={1} what="picture" onClose={() => setSending(false)} />}
            {requeueOpen && <RequeuePicker asset={asset} onDone={() => setRequeueFor(null)} />}
            <dl className="facts">
              <dt>Provider</dt>
              <dd>{providerInfo(asset.provider).label}</dd>
              <dt>Model</dt>
              <dd>{modelName(asset.provider, asset.model)}</dd>
              <dt>Dimensions</dt>
              <dd>{asset.width && asset.height ? `${asset.width} × ${asset.height}` : '—'}</dd>
              <dt>Size</dt>
              <dd>
                {formatBytes(asset.size)} <span className="muted">{asset.mime}</span>
              </dd>
              <dt>Created</dt>
              <dd>{formatDateTime(asset.createdAt)}</dd>
              <dt>Batch</dt>
              <dd>{asset.batchName}</dd>
              <dt>Job</dt>
              <dd>{asset.jobId}</dd>
              <dt>File</dt>
              <dd className="mono path" title={asset.path} data-testid="lightbox-path">
                {asset.missing && <span className="badge warn">missing</span>} {asset.path}
              </dd>
            </dl>
            <p className="lightbox-hints muted">← → browse · F favourite · 1–5 rate · S send to… · + − 0 zoom · drag to pan · Esc close</p>
          </>
        )}
      </aside>
    </div>
  )
}
