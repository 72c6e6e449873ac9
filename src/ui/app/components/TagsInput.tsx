import { useRef, useState } from 'react';
import { sampleTraces } from '../lib/api.ts';
import { formatValue } from '../lib/format.ts';
import { tokenAt } from '../lib/logfmt.ts';

type Samples = Map<string, Set<string>>;

/**
 * logfmt tags with autocompletion: keys and values come from a sample of
 * recent traces of the chosen service, fetched when the box gets focus.
 */
export function TagsInput({ value, onChange, service, window }: { value: string; onChange: (v: string) => void; service: string; window: { startUs: number; endUs: number } }) {
  const [samples, setSamples] = useState<Samples>();
  const [loadedFor, setLoadedFor] = useState<string>();
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const load = async () => {
    if (loadedFor === service) return;
    setLoadedFor(service);
    try {
      const traces = await sampleTraces(service, window.startUs, window.endUs);
      const map: Samples = new Map();
      const add = (k: string, v: unknown) => {
        const set = map.get(k) ?? map.set(k, new Set()).get(k)!;
        if (set.size < 50) set.add(formatValue(v));
      };
      for (const t of traces) {
        for (const s of t.spans) for (const kv of s.tags ?? []) add(kv.key, kv.value);
        for (const p of Object.values(t.processes)) for (const kv of p.tags ?? []) add(kv.key, kv.value);
      }
      setSamples(map);
    } catch {
      setSamples(new Map()); // suggestions are a help, not a requirement
    }
  };

  const tok = tokenAt(value, cursor);
  let suggestions: { label: string; insert: string }[] = [];
  if (samples) {
    if (tok.value === undefined) {
      suggestions = [...samples.keys()].filter((k) => k.startsWith(tok.key) && k !== tok.key).sort().slice(0, 12).map((k) => ({ label: k, insert: `${k}=` }));
    } else {
      const vals = samples.get(tok.key);
      if (vals) suggestions = [...vals].filter((v) => v.startsWith(tok.value!) && v !== tok.value).sort().slice(0, 12).map((v) => ({ label: v, insert: `${tok.key}=${/[\s"]/.test(v) ? JSON.stringify(v) : v} ` }));
    }
  }

  const apply = (insert: string) => {
    const next = value.slice(0, tok.start) + insert + value.slice(cursor).replace(/^\S*/, '');
    onChange(next);
    const pos = tok.start + insert.length;
    setCursor(pos);
    setActive(0);
    requestAnimationFrame(() => input.current?.setSelectionRange(pos, pos));
  };

  return (
    <div className="tags-input">
      <input
        ref={input}
        name="tags"
        value={value}
        placeholder='http.status_code=500 error=true'
        spellCheck={false}
        autoComplete="off"
        onFocus={() => {
          setOpen(true);
          void load();
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          onChange(e.target.value);
          setCursor(e.target.selectionStart ?? e.target.value.length);
          setOpen(true);
        }}
        onKeyUp={(e) => setCursor(e.currentTarget.selectionStart ?? 0)}
        onClick={(e) => setCursor(e.currentTarget.selectionStart ?? 0)}
        onKeyDown={(e) => {
          if (!open || suggestions.length === 0) return;
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, suggestions.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Tab' || (e.key === 'Enter' && suggestions[active])) apply(suggestions[active]!.insert);
          else if (e.key === 'Escape') setOpen(false);
          else return;
          e.preventDefault();
        }}
      />
      {open && suggestions.length > 0 && (
        <ul className="suggestions" role="listbox">
          {suggestions.map((s, i) => (
            <li key={s.label} role="option" aria-selected={i === active} className={i === active ? 'active' : ''} onMouseDown={(e) => (e.preventDefault(), apply(s.insert))}>
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
