import { budgetStoreSuite } from "./budget-store.shared";

budgetStoreSuite("sqlite");
