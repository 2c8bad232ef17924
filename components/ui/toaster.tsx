"use client";
import { Toaster as Sonner } from "sonner";

// The one place toasts appear (sonner: announced through its own polite live region). Inside an open
// dialog the rest of the page is hidden from assistive technology, so dialogs also keep their own
// status line; the toast is then the visual confirmation only.
export function Toaster() {
  // Below the header, so that a toast never covers the navigation or the menu button.
  return <Sonner position="top-center" theme="system" closeButton duration={5000} offset={{ top: 68 }} mobileOffset={{ top: 64, left: 12, right: 12 }} />;
}
