import { gatewaySuite } from "./gateway.shared";

gatewaySuite(false);
