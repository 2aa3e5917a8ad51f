/** @module views/admin/field — one labelled field of an admin form, with its error under it and tied to the control. */
import type { Children } from '@kitajs/html';

/** The attributes that mark a control as the one an error is about (screen readers read the error with it). */
export function invalidAttrs(id: string, error: string | undefined): Record<string, string> {
  return error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {};
}

/** A label over its control (`children`, whose id is `id`), and the error about it, if any. */
export function AdminField({ id, label, error, children }: { id: string; label: string; error?: string; children: Children }) {
  return (
    <div class="admin-field">
      <label for={id} safe>
        {label}
      </label>
      {children}
      {error ? (
        <p class="admin-field-error" id={`${id}-error`} role="alert" safe>
          {error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}
