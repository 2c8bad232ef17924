import { gatewaySuite } from "./gateway.shared";

gatewaySuite(true);
