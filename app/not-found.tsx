import { MessagePage } from "@/components/ui/message-page";

export default function NotFound() {
  return (
    <MessagePage title="Page not found">
      There is no page at this address. It may have moved, or the link may be mistyped.
    </MessagePage>
  );
}
