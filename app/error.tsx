"use client";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { MessagePage } from "@/components/ui/message-page";

// What a page shows when rendering it failed on the server: no stack or detail (those go to the log),
// a way to try again and a way back.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <MessagePage
      title="Something went wrong"
      action={
        <Button variant="primary" onClick={reset}>
          Try again
        </Button>
      }
    >
      This page could not be shown. Nothing was changed. Try again, or go back to the start page.
      {error.digest && <span className="mt-2 block text-xs">Reference: {error.digest}</span>}
    </MessagePage>
  );
}
