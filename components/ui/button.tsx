import { cn } from "@/lib/cn";

// Calm by default: one solid primary action per view; secondary and quiet for the rest; destructive
// actions red, solid only where they are confirmed. Disabled buttons look disabled.
const variants = {
  primary: "bg-primary text-primary-fg hover:bg-primary-hover",
  secondary: "border border-line-strong bg-surface text-fg hover:bg-surface-2",
  danger: "bg-danger-solid text-white hover:bg-red-800",
  quiet: "text-fg hover:bg-surface-2",
  link: "text-link hover:bg-surface-2",
  "quiet-danger": "text-danger hover:bg-danger-soft",
};

export type ButtonVariant = keyof typeof variants;

export const buttonClass = (variant: ButtonVariant = "primary", size: "sm" | "md" = "md", className?: string) =>
  cn(
    "inline-flex items-center justify-center gap-1 rounded-md font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-50 aria-disabled:cursor-not-allowed aria-disabled:opacity-50",
    size === "sm" ? "px-2 py-1 text-xs" : "px-3 py-2 text-sm",
    variants[variant],
    className,
  );

export function Button({
  variant = "primary",
  size = "md",
  pending,
  className,
  disabled,
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: "sm" | "md"; pending?: boolean }) {
  return (
    <button
      type="button"
      {...props}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={buttonClass(variant, size, className)}
    />
  );
}
