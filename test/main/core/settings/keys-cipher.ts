// A stand-in for Electron's safeStorage (which cannot run here): AES-256-GCM under a "keychain" secret.
// Two ciphers with different secrets are two keychains: what one sealed, the other cannot open — the case
// of a reset keychain or a data folder copied from another account.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { KeyCipher } from '../../../../src/main/core/settings/keys'

export function testCipher(secret: string, backend = 'gnome_libsecret', available = true): KeyCipher & { backend: string } {
  const key = createHash('sha256').update(secret).digest()
  return {
    backend,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    decryptString(sealed) {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12))
      d.setAuthTag(sealed.subarray(12, 28))
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8')
    }
  }
}
