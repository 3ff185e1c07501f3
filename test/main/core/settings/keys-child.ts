// Saves one key into keys.json with sealedKeys (or, with `settings <dataDir> <value>`, writes config.json)
// and exits; keys.test.ts runs it under a file-size limit so that the write fails (or the process dies)
// half-way, as on a full disk.
import { sealedKeys } from '../../../../src/main/core/settings/keys'
import { JsonFileSettings } from '../../../../src/main/core/settings/settings'
import { testCipher } from './keys-cipher'

const [first, second, third] = process.argv.slice(2)
if (first === 'settings') new JsonFileSettings(second).write({ outputRoot: third })
else sealedKeys(first, testCipher('keychain-a'), {}).set(second as 'letzai', third)
process.stdout.write('saved\n')
