// The next steps Send to… offers and the models that can take each: every provider's model that starts from
// a picture, grouped by what it does. A provider that takes input pictures only as public URLs is listed but
// cannot be picked (main would refuse it, before anything is queued).
import { PROVIDERS, type ModelInfo, type ProviderId } from '../../../shared/catalogue'

export const SEND_STEPS = [
  { id: 'upscale', label: 'Upscale' },
  { id: 'edit', label: 'Edit with a prompt' },
  { id: 'video', label: 'Image to video' },
  { id: 'reference', label: 'New picture from it (reference)' }
] as const
export type SendStep = (typeof SEND_STEPS)[number]['id']

export interface StepModel {
  provider: ProviderId
  info: ModelInfo
  /** Why it cannot be picked, or null. */
  blocked: string | null
}

function fits(step: SendStep, m: ModelInfo): boolean {
  if (!m.input || m.input.media !== 'image') return false
  if (step === 'upscale') return m.kind === 'upscale'
  if (step === 'edit') return m.kind === 'edit'
  if (step === 'video') return m.kind === 'video'
  return m.kind === 'image'
}

export function stepModels(step: SendStep): StepModel[] {
  return PROVIDERS.flatMap((p) =>
    p.models.filter((m) => fits(step, m)).map((info) => ({ provider: p.id, info, blocked: p.urlInputsOnly ? 'takes public URLs only' : null }))
  )
}
