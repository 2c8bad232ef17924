import { useId } from "react";
import { cn } from "@/lib/cn";

type FieldProps = React.InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  errors?: string[];
  hint?: string;
};

/** A labelled input whose server-side errors are announced and tied to it (aria-describedby). */
export function Field({ label, name, errors, hint, className, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
        className={cn(
          "rounded-md border px-3 py-2 text-sm outline-none focus:ring-2 focus:ring-blue-500",
          errors?.length ? "border-red-500" : "border-slate-300",
        )}
        {...input}
      />
      {hint && !errors?.length && <p className="text-xs text-slate-500">{hint}</p>}
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}

export function FieldError({ id, errors }: { id?: string; errors?: string[] }) {
  return (
    <p id={id} aria-live="polite" className="text-xs text-red-600" data-field-error={errors?.length ? "" : undefined}>
      {errors?.[0]}
    </p>
  );
}

export function FormMessage({ state }: { state?: { ok: boolean; message?: string } }) {
  if (!state?.message) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={cn("rounded-md px-3 py-2 text-sm", state.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-700")}>
      {state.message}
    </p>
  );
}

export function Select({
  label,
  name,
  errors,
  children,
  ...select
}: React.SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; errors?: string[] }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={id} name={name} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...select}>
        {children}
      </select>
      <FieldError errors={errors} />
    </div>
  );
}
