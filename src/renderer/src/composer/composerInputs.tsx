// The composer's input pictures (what an edit, upscale or image-to-video job starts from), held above the
// views: the Gallery and the Lightbox add to them ("Use as input") while the composer shows and sends them.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import type { InputRef } from '../../../shared/contract'
import { plural } from '../format'

/** One chosen input: a gallery item, or a file the user dropped or picked (kept by main, named by its path). */
export interface ChosenInput {
  /** Unique within the list ("asset:12", "path:/…"): the same file is never added twice. */
  key: string
  ref: InputRef
  name: string
  mime: string
  /** A local preview of a dropped or picked file (an object URL), where there is no gallery thumbnail. */
  previewUrl?: string
}

/** The contract's cap on input files per job. */
export const MAX_INPUTS = 16
export { MAX_INPUT_BYTES } from '../../../shared/model'

interface ComposerInputs {
  inputs: readonly ChosenInput[]
  /** Adds inputs (duplicates and any past MAX_INPUTS are left out) and returns how many were added. */
  add(inputs: readonly ChosenInput[]): number
  /** Adds gallery items and brings the user to where the composer's result shows (the queue). */
  addAssets(assets: readonly { id: number; mime: string; prompt: string }[]): number
  remove(key: string): void
}

const Context = createContext<ComposerInputs | null>(null)

export function assetInput(asset: { id: number; mime: string; prompt: string }): ChosenInput {
  return { key: `asset:${asset.id}`, ref: { assetId: asset.id }, name: asset.prompt, mime: asset.mime }
}

/** The toast after "Use as input": how many went in, or why none did. */
export function usedAsInputMessage(added: number, offered: number): string {
  if (added === offered) return `Added ${plural(added, 'input')} to the composer`
  if (added === 0) return offered === 1 ? 'That picture is already an input' : `Those are already inputs, or the composer has its ${MAX_INPUTS} inputs`
  return `Added ${plural(added, 'input')} to the composer (the others were there already, or past its ${MAX_INPUTS})`
}

export function ComposerInputsProvider({ onAssetsUsed, children }: { onAssetsUsed(): void; children: ReactNode }) {
  const [inputs, setInputs] = useState<readonly ChosenInput[]>([])
  // The list as last set, so that add() can say at once how many it took.
  const current = useRef(inputs)
  const set = useCallback((next: readonly ChosenInput[]) => {
    current.current = next
    setInputs(next)
  }, [])

  const add = useCallback(
    (added: readonly ChosenInput[]) => {
      const before = current.current
      const fresh = added.filter((a, i) => !before.some((c) => c.key === a.key) && added.findIndex((b) => b.key === a.key) === i)
      const next = [...before, ...fresh].slice(0, MAX_INPUTS)
      set(next)
      return next.length - before.length
    },
    [set]
  )

  const addAssets = useCallback(
    (assets: readonly { id: number; mime: string; prompt: string }[]) => {
      const count = add(assets.map(assetInput))
      onAssetsUsed()
      return count
    },
    [add, onAssetsUsed]
  )

  const remove = useCallback(
    (key: string) => {
      const gone = current.current.find((c) => c.key === key)
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl)
      set(current.current.filter((c) => c.key !== key))
    },
    [set]
  )

  const value = useMemo(() => ({ inputs, add, addAssets, remove }), [inputs, add, addAssets, remove])
  return <Context.Provider value={value}>{children}</Context.Provider>
}

export function useComposerInputs(): ComposerInputs {
  const value = useContext(Context)
  if (!value) throw new Error('useComposerInputs outside ComposerInputsProvider')
  return value
}
