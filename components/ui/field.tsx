import { useId } from "react";
import { cn } from "@/lib/cn";

/**
 * The frame every form control sits in: label, the control, a hint, and the server's error announced
 * and tied to the control (aria-describedby). `children` receives the id and aria attributes to spread.
 */
export function FieldFrame({
  label,
  errors,
  hint,
  className,
  children,
}: {
  label: string;
  errors?: string[];
  hint?: string;
  className?: string;
  children: (control: { id: string; "aria-invalid"?: true; "aria-describedby"?: string; invalid: boolean }) => React.ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const invalid = Boolean(errors?.length);
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-fg">
        {label}
      </label>
      {children({ id, "aria-invalid": invalid ? true : undefined, "aria-describedby": invalid ? errorId : undefined, invalid })}
      {hint && !invalid && <p className="text-xs text-muted">{hint}</p>}
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}

export const controlClass = (invalid: boolean, extra?: string) =>
  cn("w-full min-w-0 rounded-md border bg-surface px-3 py-2 text-sm text-fg placeholder:text-muted disabled:opacity-60", invalid ? "border-danger" : "border-line-strong", extra);

type FieldProps = React.ComponentProps<"input"> & {
  label: string;
  name: string;
  errors?: string[];
  hint?: string;
};

/** A labelled input whose server-side errors are announced and tied to it. */
export function Field({ label, name, errors, hint, className, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} errors={errors} hint={hint} className={className}>
      {({ invalid, ...control }) => <input {...control} name={name} className={controlClass(invalid)} {...input} />}
    </FieldFrame>
  );
}

export function FieldError({ id, errors }: { id?: string; errors?: string[] }) {
  return (
    <p id={id} aria-live="polite" className="text-xs text-danger" data-field-error={errors?.length ? "" : undefined}>
      {errors?.[0]}
    </p>
  );
}

export function FormMessage({ state }: { state?: { ok: boolean; message?: string } }) {
  if (!state?.message) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={cn("rounded-md px-3 py-2 text-sm", state.ok ? "bg-green-50 text-green-800 dark:bg-green-950 dark:text-green-200" : "bg-danger-soft text-danger")}>
      {state.message}
    </p>
  );
}

export function Select({
  label,
  name,
  errors,
  hint,
  children,
  ...select
}: React.SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  return (
    <FieldFrame label={label} errors={errors} hint={hint}>
      {({ invalid, ...control }) => (
        <select {...control} name={name} className={controlClass(invalid)} {...select}>
          {children}
        </select>
      )}
    </FieldFrame>
  );
}
