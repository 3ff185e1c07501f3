// APIXO's models, limits and inputs (docs/providers.md § APIXO has the source of each fact). Each model's page
// at https://apixo.ai/docs/models/<category>/<id> lists its `input` fields; the ones below carry the API's
// values. `mode` (and Veo's `generationType`) is set by the adapter from whether the job has input images
// unless the user picks one; a param with a default is always sent (several are required by the API).
import type { ModelInput, ParamSpec, ProviderInfo } from './index'

/** Input images go to APIXO as public URLs only (`image_urls`): a parent job's result, never a local file. */
function images(max: number, min = 0): ModelInput {
  // Error codes page: IMAGE_TOO_LARGE "Resize to under 10MB", UNSUPPORTED_FORMAT "Use JPEG, PNG, or WebP".
  return { media: 'image', min, max, maxBytes: 10 * 1024 * 1024, accept: ['image/jpeg', 'image/png', 'image/webp'] }
}

const IMAGE_MODE: ParamSpec = {
  name: 'mode',
  label: 'Mode',
  type: 'select',
  options: ['text-to-image', 'image-to-image'],
  hint: 'Set from the input images when left empty'
}
const BANANA_RATIOS = ['auto', '1:1', '1:4', '4:1', '1:8', '8:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9']

export const apixo: ProviderInfo = {
  id: 'apixo',
  label: 'APIXO',
  protocol: 'apixo',
  envName: 'APIXO',
  defaultBaseUrl: 'https://api.apixo.ai/api/v1',
  // image_urls only, no upload endpoint (docs/providers.md § APIXO): a picture on disk cannot be sent.
  urlInputsOnly: true,
  models: [
    {
      id: 'nano-banana-2',
      label: 'Nano Banana 2',
      kind: 'image',
      // GUESS: no documented recipe for this model; a public client polls 5 s / 5 s for up to 5 min.
      timing: { initial: 5, interval: 5, max: 300 },
      input: images(14),
      params: [
        IMAGE_MODE,
        { name: 'aspect_ratio', label: 'Aspect ratio', type: 'select', options: BANANA_RATIOS, default: 'auto' },
        { name: 'resolution', label: 'Resolution', type: 'select', options: ['1k', '2k', '4k'], default: '1k' },
        { name: 'output_format', label: 'Format', type: 'select', options: ['png', 'jpeg', 'jpg'] },
        { name: 'google_search', label: 'Google search grounding', type: 'boolean' }
      ]
    },
    {
      id: 'nano-banana-pro',
      label: 'Nano Banana Pro',
      kind: 'image',
      // GUESS: its page was not in the sources; fields as for nano-banana-2.
      timing: { initial: 10, interval: 5, max: 300 },
      input: images(14),
      params: [
        IMAGE_MODE,
        {
          name: 'aspect_ratio',
          label: 'Aspect ratio',
          type: 'select',
          options: BANANA_RATIOS.filter((r) => !['1:4', '4:1', '1:8', '8:1'].includes(r)),
          default: 'auto'
        },
        { name: 'resolution', label: 'Resolution', type: 'select', options: ['1k', '2k', '4k'], default: '1k' },
        { name: 'output_format', label: 'Format', type: 'select', options: ['png', 'jpeg'] }
      ]
    },
    {
      id: 'nano-banana',
      label: 'Nano Banana',
      kind: 'image',
      // Seed 003: nano-banana { initial: 5000, interval: 3000, max: 120000 }.
      timing: { initial: 5, interval: 3, max: 120 },
      input: images(5),
      params: [
        IMAGE_MODE,
        {
          name: 'aspect_ratio',
          label: 'Aspect ratio',
          type: 'select',
          options: ['auto', '1:1', '4:3', '3:4', '3:2', '2:3', '4:5', '5:4', '9:16', '16:9', '21:9'],
          default: '1:1'
        },
        { name: 'output_format', label: 'Format', type: 'select', options: ['png', 'jpeg'] }
      ]
    },
    {
      id: 'gpt-image-2',
      label: 'GPT Image 2',
      kind: 'image',
      // 1k: 30-120 s, 2k: 60-180 s, 4k: 120-240 s, poll every 10 s (ezkit.app's summary of APIXO's page).
      timing: { initial: 30, interval: 10, max: 300 },
      input: images(16),
      params: [
        IMAGE_MODE,
        { name: 'aspect_ratio', label: 'Aspect ratio', type: 'select', options: ['auto', '1:1', '4:3', '3:4', '16:9', '9:16'], default: 'auto' },
        { name: 'resolution', label: 'Resolution', type: 'select', options: ['1k', '2k', '4k'], default: '1k' }
      ]
    },
    {
      id: 'flux-2',
      label: 'Flux 2',
      kind: 'image',
      // Seed 003: flux-2 { initial: 10000, interval: 5000, max: 180000 }.
      timing: { initial: 10, interval: 5, max: 180 },
      input: images(8),
      params: [
        {
          name: 'mode',
          label: 'Mode',
          type: 'select',
          options: ['pro-text-to-image', 'pro-image-to-image', 'flex-text-to-image', 'flex-image-to-image'],
          hint: 'pro or flex; text/image-to-image follows the input images'
        },
        { name: 'aspect_ratio', label: 'Aspect ratio', type: 'select', options: ['1:1', '4:3', '3:4', '3:2', '2:3', '16:9', '9:16', 'auto'], default: '1:1' },
        { name: 'resolution', label: 'Resolution', type: 'select', options: ['1K', '2K'], default: '1K' }
      ]
    },
    {
      id: 'veo-3-1',
      label: 'Veo 3.1',
      kind: 'video',
      // Seed 003: veo-3-1 { initial: 45000, interval: 10000, max: 480000 }.
      timing: { initial: 45, interval: 10, max: 480 },
      input: images(3),
      params: [
        { name: 'mode', label: 'Quality', type: 'select', options: ['fast', 'quality'], default: 'fast' },
        {
          name: 'generationType',
          label: 'Generation type',
          type: 'select',
          options: ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'],
          hint: 'Set from the input images when left empty (1–2 frames; references need fast and 16:9)'
        },
        { name: 'aspect_ratio', label: 'Aspect ratio', type: 'select', options: ['16:9', '9:16', 'auto'], default: '16:9' },
        { name: 'seed', label: 'Seed', type: 'number' }
      ]
    },
    {
      id: 'sora-2',
      label: 'Sora 2',
      kind: 'video',
      // Seed 003: sora-2 { initial: 60000, interval: 15000, max: 600000 }.
      timing: { initial: 60, interval: 15, max: 600 },
      input: images(1),
      params: [
        { name: 'mode', label: 'Mode', type: 'select', options: ['text-to-video', 'image-to-video'], hint: 'Set from the input image when left empty' },
        { name: 'aspect_ratio', label: 'Aspect ratio', type: 'select', options: ['landscape', 'portrait'], default: 'landscape' },
        { name: 'duration', label: 'Duration (s)', type: 'select', options: ['4', '8', '12'], default: '4' },
        { name: 'remove_watermark', label: 'Remove watermark', type: 'boolean' }
      ]
    },
    {
      id: 'seedance-2-0',
      label: 'Seedance 2.0',
      kind: 'video',
      // GUESS: no documented recipe; polled like the other video models.
      timing: { initial: 30, interval: 10, max: 600 },
      input: images(9),
      params: [
        {
          name: 'mode',
          label: 'Mode',
          type: 'select',
          options: ['text-to-video', 'first_and_last_frames', 'omni_reference'],
          hint: 'Set from the input images when left empty'
        },
        { name: 'resolution', label: 'Resolution', type: 'select', options: ['480p', '720p', '1080p'], default: '720p' },
        { name: 'duration', label: 'Duration (s)', type: 'number', min: 4, max: 15, default: 5 },
        { name: 'aspect_ratio', label: 'Aspect ratio', type: 'select', options: ['auto', '16:9', '4:3', '1:1', '3:4', '9:16', '21:9'], default: '16:9' },
        { name: 'sound', label: 'Generate audio', type: 'boolean' },
        { name: 'web_search', label: 'Web search', type: 'boolean' }
      ]
    },
    {
      id: 'suno',
      label: 'Suno',
      kind: 'audio',
      // Seed 003: suno { initial: 30000, interval: 10000, max: 300000 } (the page says 2-3 minutes a task).
      timing: { initial: 30, interval: 10, max: 300 },
      params: [
        { name: 'mode', label: 'Version', type: 'select', options: ['V4', 'V4_5', 'V4_5ALL', 'V4_5PLUS', 'V5', 'V5_5'], default: 'V5' },
        {
          name: 'customMode',
          label: 'Custom mode (lyrics, style, title)',
          type: 'boolean',
          default: false,
          hint: 'Custom mode needs a style and a title; the prompt is then the lyrics'
        },
        { name: 'instrumental', label: 'Instrumental', type: 'boolean', default: false },
        { name: 'style', label: 'Style', type: 'text' },
        { name: 'title', label: 'Title', type: 'text' },
        { name: 'vocalGender', label: 'Vocal gender', type: 'select', options: ['m', 'f'] }
      ]
    }
  ],
  kinds: ['image', 'edit', 'video', 'audio'],
  // The parameter specification page: every image model takes mode text-to-image / image-to-image, every
  // video model text-to-video / image-to-video; the adapter sets it from the kind and the inputs.
  genericParams: [{ name: 'mode', label: 'Mode', type: 'text', hint: 'Left empty: text-to-image / image-to-image (video: text-to-video / image-to-video)' }],
  genericTiming: { initial: 10, interval: 5, max: 300 },
  // GUESS: APIXO documents no rate or concurrency limit (only 429 "Rate limit exceeded"); a polite budget.
  limits: { rate: 5, burst: 10, concurrency: 8 },
  modelsUrl: 'https://apixo.ai/docs/models/schemas/index.json'
}
