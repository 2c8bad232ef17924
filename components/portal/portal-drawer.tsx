"use client";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";

/**
 * On phones the portal's sidebar (menu and budget bars) opens from a button as a Radix dialog: focus is
 * trapped in it, Escape and ✕ close it and focus returns to the button; following a link closes it.
 */
export function PortalDrawer({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="rounded-md border border-line-strong px-3 py-1.5 text-sm font-medium hover:bg-surface-2"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        Portal menu &amp; budget
      </button>
      <Dialog open={open} onOpenChange={setOpen} title="Portal menu" description="Your pages and your budget">
        <div
          className="flex flex-col gap-6 pb-6"
          onClick={(e) => {
            if (e.target instanceof Element && e.target.closest("a")) setOpen(false);
          }}
        >
          {children}
        </div>
      </Dialog>
    </>
  );
}
