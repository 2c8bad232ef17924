import { useId } from "react";
import { cn } from "@/lib/cn";
import { FieldError } from "./field";

/** A labelled textarea, with server-side errors announced and tied to it like Field's. */
export function TextArea({
  label,
  name,
  errors,
  hint,
  className,
  ...textarea
}: React.TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
        className={cn(
          "rounded-md border px-3 py-2 font-mono text-sm outline-none focus:ring-2 focus:ring-blue-500",
          errors?.length ? "border-red-500" : "border-slate-300",
        )}
        {...textarea}
      />
      {hint && !errors?.length && <p className="text-xs text-slate-500">{hint}</p>}
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}
