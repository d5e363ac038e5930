// Package account is the aggregate of the people who may log in: their
// username, display name, role, org unit, password hash and whether they are
// disabled. Each account is one stream, so who created, changed or disabled
// an account, and why, is in the log.
//
// The domain never sees a plaintext password: the caller hashes it and
// passes the hash. Usernames are unique because an account's ID is derived
// from its username (IDForUsername): a second account with a taken username
// would be a second creation of the same stream, which the store refuses
// (the application appends AccountCreated expecting no stream). "At least
// one enabled admin remains" is a cross-stream check left to the
// application; this package only stops an admin from disabling or demoting
// itself, recognising itself by domain.Actor.ID, which is the account's ID
// in its string form.
//
// Failed logins are counted in a second stream per account (LoginCategory),
// apart from the account's own, so that login attempts never race with an
// admin's changes to the account; see LoginState.
//
// A disabled account refuses role and org-unit changes until it is enabled
// again: enabling is the visible decision to let someone back in, and it
// should not be preceded by a silent grant of new rights. An admin may still
// reset a disabled account's password, so that it comes back with a fresh
// one.
package account

import "github.com/google/uuid"

// Category is the stream category of accounts: streams are "account-<uuid>".
const Category = "account"

// usernameNamespace is the namespace of the account IDs derived from
// usernames. Never change it: stored accounts' IDs were derived under it.
var usernameNamespace = uuid.MustParse("f67fd2a0-e791-40b2-9822-19c88d324df5")

// IDForUsername returns the ID of the account named username: a name-based
// UUID (version 5) of the username exactly as given. Usernames are not
// folded to one case: the format rule admits lowercase only, so two
// usernames that differ only in case cannot both exist. Accounts created
// before IDs were derived keep their random IDs; their usernames are
// known to every node's directory.
func IDForUsername(username string) uuid.UUID {
	return uuid.NewSHA1(usernameNamespace, []byte(username))
}
