import type { ReactNode } from 'react';

/**
 * A labelled form control: the label above, the control (with `id` = `htmlFor`) below. The label
 * does not wrap the control, so the control's accessible name is the label text alone.
 */
export function Field({
  label,
  htmlFor,
  grow = false,
  className = '',
  children,
}: {
  label: ReactNode;
  htmlFor: string;
  grow?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={['field', grow ? 'field--grow' : '', className].filter(Boolean).join(' ')}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
    </div>
  );
}
