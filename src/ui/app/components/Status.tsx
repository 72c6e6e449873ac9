import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return (
    <div className="status loading" role="status">
      <span className="spinner" /> Loading {what}…
    </div>
  );
}

export function ErrorBox({ title, error }: { title: string; error: Error }) {
  return (
    <div className="status error-box" role="alert">
      <strong>{title}</strong>
      <div>{error.message}</div>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="status empty">{children}</div>;
}
