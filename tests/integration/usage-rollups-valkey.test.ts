import { usageRollupsSuite } from "./usage-rollups.shared";

usageRollupsSuite("valkey");
