// One gallery tile: the thumbnail (or a "missing" placeholder when the file is gone from disk, never a
// broken image), the favourite heart and rating, and the selection check. Memoised: scrolling 100,000 items
// re-renders only the tiles that enter the view.
import { memo, useState, type MouseEvent } from 'react'
import type { Asset } from '../../../shared/contract'
import { AssetThumb } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import type { Mark } from './useMarks'

interface GalleryTileProps {
  asset: Asset
  index: number
  size: number
  selected: boolean
  cursor: boolean
  /** Something is selected: every tile shows its check, and a click selects rather than opens. */
  selecting: boolean
  /** The grid is flying past (a fast flick or a scrollbar drag): a tile that has not shown its picture yet
   *  waits, so decoding and painting hundreds of thumbnails never holds up the frames. */
  deferImage: boolean
  onTileClick(event: MouseEvent, index: number, asset: Asset): void
  /** The hover controls' favourite and rating (the keyboard has F and 0–5 on the cursor's tile). */
  onMark(asset: Asset, mark: Mark): void
}

const STARS = [1, 2, 3, 4, 5] as const

export const GalleryTile = memo(function GalleryTile({ asset, index, size, selected, cursor, selecting, deferImage, onTileClick, onMark }: GalleryTileProps) {
  // Once shown, a picture stays while the tile is mounted, however fast the grid then moves.
  const [revealed, setRevealed] = useState(!deferImage)
  if (!revealed && !deferImage) setRevealed(true)
  const className = ['gallery-tile', selected && 'selected', cursor && 'cursor', selecting && 'selecting', asset.missing && 'missing'].filter(Boolean).join(' ')
  return (
    <div
      role="gridcell"
      aria-selected={selected}
      aria-label={asset.missing ? `${asset.prompt} (file missing)` : asset.prompt}
      tabIndex={cursor ? 0 : -1}
      className={className}
      data-testid="gallery-item"
      data-asset-id={asset.id}
      data-index={index}
      data-favorite={asset.favorite}
      data-rating={asset.rating}
      data-missing={asset.missing}
      data-selected={selected}
      style={{ width: size, height: size }}
      title={asset.prompt}
      onClick={(e) => onTileClick(e, index, asset)}
    >
      {asset.missing ? (
        <div className="tile-missing">
          <Icon name="warning" size={size < 120 ? 18 : 24} />
          <span>missing</span>
        </div>
      ) : revealed ? (
        <AssetThumb assetId={asset.id} mime={asset.mime} alt={asset.prompt} className="gallery-thumb" />
      ) : (
        <div className="tile-deferred" />
      )}
      <span className="tile-check" data-role="check" aria-hidden="true">
        <Icon name="check" size={13} />
      </span>
      {(asset.favorite || asset.rating > 0) && (
        <span className="tile-marks" aria-hidden="true">
          {asset.rating > 0 && (
            <span className="tile-rating" data-testid="tile-rating">
              <Icon name="star" size={11} filled />
              {asset.rating}
            </span>
          )}
          {asset.favorite && (
            <span className="tile-heart" data-testid="tile-favorite">
              <Icon name="heart" size={13} filled />
            </span>
          )}
        </span>
      )}
      {!asset.missing && (
        // Out of the Tab order (the grid is one Tab stop with its own keys); a click here marks, never opens.
        <span className="tile-actions" onClick={(e) => e.stopPropagation()}>
          <button
            type="button"
            tabIndex={-1}
            className={`tile-action heart${asset.favorite ? ' on' : ''}`}
            aria-label="Favourite"
            aria-pressed={asset.favorite}
            title={asset.favorite ? 'Remove from favourites (F)' : 'Add to favourites (F)'}
            onClick={() => onMark(asset, { favorite: !asset.favorite })}
          >
            <Icon name="heart" size={14} filled={asset.favorite} />
          </button>
          <span className="tile-stars">
            {STARS.map((n) => (
              <button
                key={n}
                type="button"
                tabIndex={-1}
                className={`tile-action star${n <= asset.rating ? ' on' : ''}`}
                aria-label={n === asset.rating ? `Clear the rating (now ${n} of 5)` : `Rate ${n} of 5`}
                title={n === asset.rating ? 'Clear the rating (0)' : `Rate ${n} of 5 (${n})`}
                onClick={() => onMark(asset, { rating: n === asset.rating ? 0 : n })}
              >
                <Icon name="star" size={13} filled={n <= asset.rating} />
              </button>
            ))}
          </span>
        </span>
      )}
      <span className="tile-caption" aria-hidden="true">
        {asset.prompt}
      </span>
    </div>
  )
})
