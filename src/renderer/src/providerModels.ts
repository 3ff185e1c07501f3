// The model ids a provider's own API lists (Settings → Refresh models), kept for this session so the
// composer's "Other model id…" can offer them beside the catalogue's suggestions.
import { useSyncExternalStore } from 'react'
import type { JobKind, ProviderId } from '../../shared/catalogue'

export interface ListedModel {
  id: string
  label?: string
  kind?: JobKind
}

const listed = new Map<ProviderId, readonly ListedModel[]>()
const listeners = new Set<() => void>()
const NONE: readonly ListedModel[] = []

export function setListedModels(provider: ProviderId, models: readonly ListedModel[]): void {
  listed.set(provider, models)
  for (const l of listeners) l()
}

export function useListedModels(provider: ProviderId): readonly ListedModel[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    () => listed.get(provider) ?? NONE
  )
}
