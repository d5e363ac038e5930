package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Checkpoint keeps the position up to which the log is acknowledged by
// JetStream. It tells how much a broker lost at reconciliation; where to
// resume comes from the stream itself.
type Checkpoint interface {
	// Load returns the saved position, 0 when none was saved.
	Load() (uint64, error)
	// Save records pos durably.
	Save(pos uint64) error
}

// MemoryCheckpoint keeps the position in memory (tests, or no data dir).
type MemoryCheckpoint struct {
	mu  sync.Mutex
	pos uint64
}

// Load implements Checkpoint.
func (c *MemoryCheckpoint) Load() (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos, nil
}

// Save implements Checkpoint.
func (c *MemoryCheckpoint) Save(pos uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pos = pos
	return nil
}

// FileCheckpoint keeps the position as decimal text in a file, replaced
// atomically (written beside it, synced, renamed).
type FileCheckpoint string

// Load implements Checkpoint. Errors: the file is unreadable or does not
// hold a number.
func (c FileCheckpoint) Load() (uint64, error) {
	b, err := os.ReadFile(string(c))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	pos, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("checkpoint %s: %w", string(c), err)
	}
	return pos, nil
}

// Save implements Checkpoint.
func (c FileCheckpoint) Save(pos uint64) error {
	path := string(c)
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(strconv.FormatUint(pos, 10) + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
