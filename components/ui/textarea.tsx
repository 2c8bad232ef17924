import { controlClass, FieldFrame } from "./field";

/** A labelled textarea, with server-side errors announced and tied to it like Field's. */
export function TextArea({
  label,
  name,
  errors,
  hint,
  className,
  ...textarea
}: React.TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  return (
    <FieldFrame label={label} errors={errors} hint={hint} className={className}>
      {({ invalid, ...control }) => <textarea {...control} name={name} className={controlClass(invalid, "font-mono")} {...textarea} />}
    </FieldFrame>
  );
}
