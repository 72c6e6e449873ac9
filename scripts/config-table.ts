// Prints the settings table of docs/configuration.md from src/config/options.ts,
// so the doc is regenerated rather than edited by hand: node scripts/config-table.ts
import { JAEGER_ENV_ALIASES, OPTIONS } from '../src/config/options.ts';

console.log('| flag | environment | YAML key | default | roles | meaning |');
console.log('|---|---|---|---|---|---|');
for (const o of OPTIONS) {
  const def = typeof o.default === 'string' ? '`' + o.default + '`' : String(o.default);
  console.log(`| \`--${o.flag}\` | \`${o.env}\` | \`${o.path}\` | ${def} | ${o.roles.join(', ')} | ${o.description} |`);
}
console.log('\n| Jaeger variable | sets |');
console.log('|---|---|');
for (const a of JAEGER_ENV_ALIASES) console.log(`| \`${a.env}\` | \`${a.path}\` |`);
