// The mock upstream LLM in a process of its own, for the gateway benchmark: prints its URL.
import { startMockLlm } from "../tests/support/mock-llm";

startMockLlm({ record: false }).then((mock) => {
  console.log(`listening ${mock.url}`);
  process.on("SIGTERM", () => void mock.stop().then(() => process.exit(0)));
});
