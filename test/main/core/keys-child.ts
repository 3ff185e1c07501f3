// Saves one key into keys.json with sealedKeys and exits; keys.test.ts runs it under a file-size limit so
// that the write fails (or the process dies) half-way, as on a full disk.
import { sealedKeys } from '../../../src/main/core/keys'
import { testCipher } from './keys-cipher'

const [file, provider, key] = process.argv.slice(2)
sealedKeys(file, testCipher('keychain-a'), {}).set(provider as 'letzai', key)
process.stdout.write('saved\n')
