// Package account is the aggregate of the people who may log in: their
// username, display name, role, org unit, password hash and whether they are
// disabled. Each account is one stream, so who created, changed or disabled
// an account, and why, is in the log.
//
// The domain never sees a plaintext password: the caller hashes it and
// passes the hash. Username uniqueness spans streams and therefore cannot be
// enforced by this aggregate; the application must check it (for example
// against a username index projection) before it calls Create. Likewise
// "at least one enabled admin remains" is a cross-stream check left to the
// application; this package only stops an admin from disabling or demoting
// itself, recognising itself by domain.Actor.ID, which is the account's ID
// in its string form.
//
// A disabled account refuses role and org-unit changes until it is enabled
// again: enabling is the visible decision to let someone back in, and it
// should not be preceded by a silent grant of new rights. An admin may still
// reset a disabled account's password, so that it comes back with a fresh
// one.
package account

// Category is the stream category of accounts: streams are "account-<uuid>".
const Category = "account"
