// Package pii protects the sensitive personal fields of events (PIPL
// Art. 28 and 51): the fields the domain tags `sensitive:"..."` are sealed
// with a data key of their subject (the client they are about) before an
// event is appended, and opened on read for callers allowed to see them.
// Everything else stays plain, so folds, filters and the hash chain keep
// working; the chain covers the sealed bytes, so verification needs no
// keys. Forgetting a subject destroys its key (crypto-shredding): its
// fields then read as erased everywhere.
//
// A Suite names the algorithms of a store, chosen when the data directory
// is created: "intl" (SHA-256, AES-256-GCM, HMAC-SHA-256) or "gm" (SM3,
// SM4-GCM, HMAC-SM3).
//
// Readers that hold no keys (read models, publication) use Strip or
// Redact with the event type's sensitive paths (domain.EventDef.Sensitive).
package pii
