import type { ReactNode } from 'react';
import { Link } from 'wouter';

/** A screen: its heading (focused after navigation, see Layout), an optional way back, its content. */
export function Page({
  title,
  back,
  actions,
  children,
}: {
  title: ReactNode;
  back?: { href: string; label: string };
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="page" aria-labelledby="page-title">
      {back ? (
        <Link href={back.href} className="back-link">
          ← {back.label}
        </Link>
      ) : null}
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </section>
  );
}
