package packaging

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// entry is what a test reads back from an archive.
type entry struct {
	Name         string
	Mode         int64
	UID, GID     int
	Uname, Gname string
	ModTime      time.Time
	Data         string
}

func readArchive(t *testing.T, b []byte) (*gzip.Reader, []entry) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var got []entry
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return zr, got
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{h.Name, h.Mode, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime.UTC(), string(data)})
	}
}

func TestWriteArchive(t *testing.T) {
	t.Parallel()
	bin, license := []byte("\x7fELF binary"), []byte("Apache License")
	want := []entry{ // sorted by name, byte order: upper case first
		{"LICENSE", 0o644, 0, 0, "", "", ArchiveTime, string(license)},
		{BinaryName, 0o755, 0, 0, "", "", ArchiveTime, string(bin)},
		{PluginName, 0o755, 0, 0, "", "", ArchiveTime, string(bin)},
	}
	files := ReleaseFiles(bin, license)
	reversed := []File{files[2], files[1], files[0]}
	tests := []struct {
		name  string
		files []File
	}{
		{"release order", files},
		{"reversed", reversed},
	}
	archives := make([][]byte, len(tests))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteArchive(&buf, tc.files); err != nil {
				t.Fatal(err)
			}
			zr, got := readArchive(t, buf.Bytes())
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if zr.Name != "" || !zr.ModTime.IsZero() {
				t.Errorf("gzip header has name %q, time %v; want neither", zr.Name, zr.ModTime)
			}
			archives[i] = buf.Bytes()
		})
	}
	for i := range tests[1:] {
		if !bytes.Equal(archives[0], archives[i+1]) {
			t.Errorf("%s and %s: different bytes from the same files", tests[0].name, tests[i+1].name)
		}
	}
}

func TestWriteArchiveDuplicateName(t *testing.T) {
	t.Parallel()
	err := WriteArchive(io.Discard, []File{{Name: "a", Mode: 0o644}, {Name: "a", Mode: 0o755}})
	if err == nil {
		t.Fatal("two files named a: got no error")
	}
}
