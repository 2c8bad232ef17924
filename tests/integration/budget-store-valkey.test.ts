import { budgetStoreSuite } from "./budget-store.shared";

budgetStoreSuite("valkey");
