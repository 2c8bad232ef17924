import { usersDomainSuite } from "./users-domain.shared";

usersDomainSuite("memory");
