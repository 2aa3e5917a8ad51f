/** @module views/inbox/oob — out-of-band wrapper for pushes that move or insert an element without duplicating it. */
import type { Children } from '@kitajs/html';

/**
 * Removes any element that already has `id`, then inserts `children` at `position` of `#into`.
 * htmx resolves every OOB target before it swaps, so the delete hits the old element and never
 * the new one; when no old element exists the delete is skipped. This makes pushes idempotent:
 * a row moves to the top, and a message the page already rendered is not shown twice.
 * (`beforeend:`/`afterbegin:` insert the wrapper's children, hence the wrapping div.)
 */
export function UpsertPush({ id, into, position, children }: { id: string; into: string; position: 'afterbegin' | 'beforeend'; children: Children }) {
  return (
    <>
      <div id={id} hx-swap-oob="delete"></div>
      <div hx-swap-oob={`${position}:#${into}`}>{children}</div>
    </>
  );
}
