// Copies the interface definitions (.proto, .thrift) that modules load at run
// time next to the compiled JavaScript, mirroring src/. Usage: copy-assets.ts OUTDIR
import { cpSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const outDir = process.argv[2] ?? 'dist';
const ASSET = /\.(proto|thrift)$/;

function walk(dir: string): void {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file);
    else if (ASSET.test(name)) cpSync(file, path.join(outDir, path.relative('src', file)));
  }
}
walk('src');
