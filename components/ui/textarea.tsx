import { controlClass, FieldFrame } from "./field";

/**
 * A labelled textarea, with server-side errors announced and tied to it like Field's. Monospaced by
 * default (lists of names, `model = tokens` lines); `mono={false}` for prose such as a description.
 */
export function TextArea({
  label,
  name,
  errors,
  hint,
  className,
  mono = true,
  ...textarea
}: React.TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; errors?: string[]; hint?: string; mono?: boolean }) {
  return (
    <FieldFrame label={label} errors={errors} hint={hint} className={className}>
      {({ invalid, ...control }) => <textarea {...control} name={name} className={controlClass(invalid, mono ? "font-mono" : undefined)} {...textarea} />}
    </FieldFrame>
  );
}
