/**
 * The search form's tags box: logfmt, `key=value key2="with spaces"`, as the
 * Jaeger UI takes it. Returns the pairs, or an error naming the bad token.
 */
export function parseLogfmt(text: string): { tags: Record<string, string>; error?: string } {
  const tags: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    let key = '';
    while (i < n && text[i] !== '=' && !/\s/.test(text[i]!)) key += text[i++];
    if (text[i] !== '=') return { tags, error: `"${key}" has no value: write ${key}=value` };
    i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) i++;
        value += text[i++];
      }
      if (text[i] !== '"') return { tags, error: `the value of "${key}" has no closing quote` };
      i++;
    } else {
      while (i < n && !/\s/.test(text[i]!)) value += text[i++];
    }
    if (key === '') return { tags, error: 'a tag has no key' };
    tags[key] = value;
  }
  return { tags };
}

export function formatLogfmt(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => (/[\s"]/.test(v) || v === '' ? `${k}="${v.replace(/["\\]/g, '\\$&')}"` : `${k}=${v}`))
    .join(' ');
}

/** The token under the cursor, for autocompletion: the key being typed, or the value of a key. */
export function tokenAt(text: string, cursor: number): { start: number; key: string; value: string | undefined } {
  let start = cursor;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  const token = text.slice(start, cursor);
  const eq = token.indexOf('=');
  if (eq < 0) return { start, key: token, value: undefined };
  return { start, key: token.slice(0, eq), value: token.slice(eq + 1).replace(/^"/, '') };
}
