// LetzAI's models, limits and inputs (docs/providers.md § LetzAI (and the Demo) has the source of each fact). LetzAI's API has
// one endpoint per job kind; the catalogue ids below are this app's names for those endpoints (the adapter maps
// them), and the model itself is a parameter: `baseModel` on images and edits, `settings.mode` on videos, `mode`
// on upscales. The Demo provider speaks LetzAI's protocol against the built-in simulator, so it offers the same
// models (and must keep working offline, input pictures included: they go through the simulator's uploads).
import type { ModelInfo, ModelInput, ParamSpec, ProviderInfo } from './index'

/**
 * Image base models: api_instructions.md lists flux2 (recommended), gemini-3-pro-image-preview, seedream-4-5-251128
 * and phota; the current letzai-skill SKILL.md adds gemini-3-pro-image (the preview id is an alias), nbf-inferencesh,
 * nano-banana-2-lite, seedream-5-0-pro, gpt-image-2 and wan-2-7-image-pro.
 */
export const LETZAI_BASE_MODELS = [
  'flux2',
  'gemini-3-pro-image',
  'gemini-3-pro-image-preview',
  'nbf-inferencesh',
  'nano-banana-2-lite',
  'seedream-5-0-pro',
  'seedream-4-5-251128',
  'gpt-image-2',
  'wan-2-7-image-pro',
  'phota'
] as const

/** Video models, `settings.mode` on POST /videos (current letzai-skill SKILL.md: the `video-` keys). */
export const LETZAI_VIDEO_MODES = ['video-kling3', 'video-kling26', 'video-veo31', 'video-wan25', 'video-seedance2', 'video-gemini-omni'] as const

/** Upscalers, `mode` on POST /upscale (current letzai-skill SKILL.md). */
export const LETZAI_UPSCALE_MODES = ['default', 'nano-banana-pro', 'nano-banana-2', 'gpt-image-2', 'pruna'] as const

/** Input pictures go up through POST /user-assets, whose extensions include these image types. */
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const
const oneImage: ModelInput = { media: 'image', min: 1, max: 1, accept: IMAGE_TYPES }

const sizeParams: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 520, max: 2160, default: 1600 },
  { name: 'height', label: 'Height', type: 'number', min: 520, max: 2160, default: 1600 }
]

const watermarkParam: ParamSpec = {
  name: 'hasWatermark',
  label: 'Watermark',
  type: 'boolean',
  default: false,
  hint: "LetzAI's own default is a watermark on every image (hasWatermark: true); this app always sends the value set here"
}

const imageParams: readonly ParamSpec[] = [
  { name: 'baseModel', label: 'Base model', type: 'select', options: LETZAI_BASE_MODELS, default: 'flux2' },
  {
    name: 'mode',
    label: 'Resolution tier',
    type: 'select',
    options: ['', 'default', '1k', 'hd', '2k', '4k'],
    default: '',
    hint: 'Allowed tiers differ per base model (flux2: 1k, hd; Nano Banana Pro: default, 2k, 4k; Seedream: 2k, 4k); empty sends none'
  },
  ...sizeParams,
  { name: 'quality', label: 'Quality', type: 'number', min: 1, max: 5, default: 2 },
  { name: 'creativity', label: 'Creativity', type: 'number', min: 1, max: 5, default: 2 },
  watermarkParam
]

const models: readonly ModelInfo[] = [
  // Seed 000: poll every 3 s; images take 10–30 s.
  { id: 'images', label: 'Image', kind: 'image', timing: { initial: 3, interval: 3, max: 300 }, params: imageParams },
  // Seed 000: 2–3 s; 30–120 s (the current skill: 30 s–5 min depending on the model).
  {
    id: 'videos',
    label: 'Video (from a picture)',
    kind: 'video',
    timing: { initial: 5, interval: 3, max: 900 },
    input: oneImage,
    params: [
      {
        name: 'videoModel',
        label: 'Video model',
        type: 'select',
        options: ['', ...LETZAI_VIDEO_MODES],
        default: '',
        hint: "Sent as settings.mode; empty leaves LetzAI's default"
      },
      { name: 'duration', label: 'Duration (s)', type: 'number', min: 2, max: 15, hint: "Seconds; LetzAI clamps it to the video model's allowed values" }
    ]
  },
  // Seed 000: 3 s; 15–45 s.
  {
    id: 'image-edits',
    label: 'Image edit',
    kind: 'edit',
    timing: { initial: 3, interval: 3, max: 300 },
    input: { media: 'image', min: 1, max: 9, accept: IMAGE_TYPES },
    params: [
      {
        name: 'mode',
        label: 'Mode',
        type: 'select',
        options: ['context', 'skin', 'in', 'out'],
        default: 'context',
        hint: '"context" edits by instruction; "in" (needs a base64 mask) and "out" (needs settings.panControls and zoomSize) are deprecated'
      },
      { name: 'baseModel', label: 'Base model', type: 'select', options: ['', ...LETZAI_BASE_MODELS], default: '' },
      { name: 'resolution', label: 'Resolution', type: 'select', options: ['', '2k', '4k'], default: '' },
      { name: 'aspect_ratio', label: 'Aspect ratio', type: 'select', options: ['', '1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21'], default: '' }
    ]
  },
  // Seed 000: 3 s; 10–30 s. The id is this app's; the endpoint is /upscale (singular).
  {
    id: 'upscales',
    label: 'Upscale',
    kind: 'upscale',
    timing: { initial: 3, interval: 3, max: 300 },
    input: oneImage,
    params: [
      { name: 'mode', label: 'Upscaler', type: 'select', options: LETZAI_UPSCALE_MODES, default: 'default' },
      { name: 'strength', label: 'Strength', type: 'number', min: 1, max: 5, default: 1 }
    ]
  }
]

const common = {
  protocol: 'letzai',
  models,
  kinds: ['image', 'video', 'edit', 'upscale'],
  // A typed-in model id is sent as the base model (images, edits), the video model or the upscaler.
  genericParams: [...sizeParams, watermarkParam],
  genericTiming: { initial: 3, interval: 3, max: 900 }
} as const

// No rate or concurrency limit is documented (429 is, without numbers): a polite guess.
export const letzai: ProviderInfo = {
  ...common,
  id: 'letzai',
  label: 'LetzAI',
  envName: 'LETZAI',
  defaultBaseUrl: 'https://api.letz.ai',
  limits: { rate: 5, burst: 10, concurrency: 8 },
  modelsUrl: 'https://letz.ai/docs/models.json'
}

export const demo: ProviderInfo = {
  ...common,
  id: 'demo',
  label: 'Demo (offline simulator)',
  envName: 'DEMO',
  defaultBaseUrl: '',
  limits: { rate: 50, burst: 100, concurrency: 32 },
  simulated: true
}
