// Package privacy holds the protection of clients' personal information
// (PIPL Art. 47 and 51, DOMAIN.md §8) in two stream categories.
//
// A client stream ("client-<uuid>", the uuid being the client's ID, the key
// subject of the client's sensitive fields) records requests to forget the
// client and their outcome. Forgetting needs two people: one admin asks,
// another approves (or any admin rejects); an operator at the machine may
// forget at once. The store acts on ClientForgotten by destroying the
// client's key, which makes every sensitive field of the client's cases
// unreadable.
//
// An access stream ("access-<uuid>", the same subject) is the append-only
// log of who read the client's decrypted sensitive fields, and why.
//
// None of these events carries a sensitive field: they must stay readable
// after the key is gone.
package privacy

// Stream categories.
const (
	// Category is the category of client streams: "client-<client uuid>".
	Category = "client"
	// AccessCategory is the category of access logs: "access-<client uuid>".
	AccessCategory = "access"
)
