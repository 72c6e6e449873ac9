import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useParams } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { basePath } from './lib/api.ts';
import { ComparePage } from './pages/ComparePage.tsx';
import { DependenciesPage } from './pages/DependenciesPage.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import { TracePage } from './pages/TracePage.tsx';
import './styles.css';

// The Jaeger UI's compare URL is /trace/{a}...{b}; the same route carries both.
function TraceOrCompare() {
  const { id = '' } = useParams();
  const parts = id.split('...');
  if (parts.length === 2) return <ComparePage a={parts[0]!} b={parts[1]!} />;
  return <TracePage id={id} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename={basePath() || '/'}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/search" replace />} />
          <Route path="search" element={<SearchPage />} />
          <Route path="trace/:id" element={<TraceOrCompare />} />
          <Route path="compare" element={<ComparePage />} />
          <Route path="dependencies" element={<DependenciesPage />} />
          <Route path="*" element={<div className="empty">No page here. <a href={`${basePath()}/search`}>Search traces</a></div>} />
        </Route>
      </Routes>
    </BrowserRouter>
  </StrictMode>,
);
