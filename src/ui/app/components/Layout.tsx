import { useRef, useState, type FormEvent } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { addLocalTraces } from '../lib/local-traces.ts';
import { readTraceFile } from '../lib/trace-file.ts';
import { StorageBanner } from './StorageBanner.tsx';

function currentTheme(): string {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

export function Layout() {
  const navigate = useNavigate();
  const [theme, setTheme] = useState(currentTheme);
  const [uploadError, setUploadError] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);

  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('waymark.theme', next);
    setTheme(next);
  };

  const lookup = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const id = new FormData(e.currentTarget).get('traceId')?.toString().trim();
    if (id) navigate(`/trace/${id.toLowerCase()}`);
  };

  const openFile = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setUploadError(undefined);
    try {
      const traces = await readTraceFile(await file.text());
      addLocalTraces(traces);
      if (traces.length === 1) navigate(`/trace/${traces[0]!.traceID}`);
      else navigate('/search?source=file');
    } catch (err) {
      setUploadError((err as Error).message);
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/search" className="brand">
          ◆ Waymark
        </NavLink>
        <nav>
          <NavLink to="/search">Search</NavLink>
          <NavLink to="/compare">Compare</NavLink>
          <NavLink to="/dependencies">Service map</NavLink>
        </nav>
        <form className="lookup" onSubmit={lookup}>
          <input name="traceId" placeholder="Trace ID…" aria-label="Look up a trace by ID" spellCheck={false} />
        </form>
        <label className="button upload">
          Open JSON
          <input ref={fileInput} type="file" accept=".json,application/json" data-testid="upload" onChange={(e) => void openFile(e.target.files)} hidden />
        </label>
        <button className="theme-toggle" onClick={toggleTheme} title="Switch between dark and light theme">
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <StorageBanner />
      {uploadError && (
        <div className="status error-box banner" role="alert">
          <strong>Could not open the file.</strong> {uploadError}
        </div>
      )}
      <main>
        <Outlet />
      </main>
    </div>
  );
}
