// The users domain: every read and write of the `users` table goes through these modules.
export { changeOwnPassword, verifyCredentials } from "./credentials";
export { getUserDetail, keyCountsOf, listUsers, type UserDetail, type UserRow } from "./list";
export { createUser, deleteUser, recordWelcomeMail, resetPassword, setActive, setAlerts, setRole, setTimezone, updateUser } from "./mutations";
export { warmPasswordHashing } from "./passwords";
export { ensureDefaultAdmin } from "./setup";
export { reserveSignIn, signInSlotsFull } from "./hash-pool";
