// Package test holds casework's end-to-end tests and benchmarks: the real
// service wiring (SQLite store, application layer, HTTP server on a
// loopback port) in process, driven over HTTP.
package test
