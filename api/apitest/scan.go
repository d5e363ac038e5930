package apitest

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"casework/domain/value"
)

var (
	residentIDLike = regexp.MustCompile(`(?:^|[^0-9])([1-9][0-9]{16}[0-9Xx])(?:[^0-9]|$)`)
	// Income and asset figures: their keys exist only with sealed values.
	plainFigures = regexp.MustCompile(`"(monthly_income|per_capita_monthly_income)":\s*-?[0-9]|"(income|assets)":\s*\[\s*\{`)
)

// ScanForPlaintext fails tb for every file under dir (events, write-ahead
// log, key store, logs) that holds a resident ID number with a valid check
// digit, a plaintext income or asset figure, or one of values.
func ScanForPlaintext(tb testing.TB, dir string, values []string) {
	tb.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			// SQLite removes a -shm or -wal file when its last
			// connection closes: a file gone since the listing holds
			// nothing at rest.
			return nil
		}
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(dir, path)
		for _, m := range residentIDLike.FindAllSubmatch(b, -1) {
			if _, err := value.ParseResidentID(string(m[1])); err == nil {
				tb.Errorf("%s holds a resident ID number in plaintext", name)
				break
			}
		}
		if loc := plainFigures.FindIndex(b); loc != nil {
			tb.Errorf("%s holds a plaintext income figure: %q", name, b[loc[0]:min(len(b), loc[1]+20)])
		}
		for _, v := range values {
			if bytes.Contains(b, []byte(v)) {
				tb.Errorf("%s holds the sensitive value %q", name, v)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
