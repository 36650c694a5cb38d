// `pnpm --filter @portico/inspector wireshark`: writes the generated Lua dissectors into apps/inspector/wireshark/.
import { writeFileSync } from 'node:fs';
import { wiresharkDissectors } from './dissectors.js';

const dir = new URL('../../wireshark/', import.meta.url);
for (const [name, text] of Object.entries(wiresharkDissectors())) {
  writeFileSync(new URL(name, dir), text);
  console.log(`wrote wireshark/${name}`);
}
