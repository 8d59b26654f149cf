package packaging

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// ArchiveTime is every archive entry's modification time. A constant (rather
// than the build's time or the files') so an archive's bytes depend on its
// files' names, modes and contents alone.
var ArchiveTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// File is one regular file of an archive.
type File struct {
	Name string // path in the archive
	Mode int64  // permission bits, such as 0o755
	Data []byte
}

// ArchiveName is the name of the release archive for a platform, the last
// element of its uri in plugin.yaml: crane-migrate_linux_amd64.tar.gz.
func ArchiveName(goos, goarch string) string {
	return fmt.Sprintf("crane-migrate_%s_%s.tar.gz", goos, goarch)
}

// WriteArchive writes files to w as a gzip-compressed tar that is the same
// bytes whenever the files are: entries sorted by name, owned by uid and gid 0
// with no user or group names, ArchiveTime as every mtime, and no name or time
// in the gzip header (what `tar --sort=name --owner=0 --mtime=… | gzip -n`
// does). Go's compressor is not promised to give the same bytes across Go
// releases, which is why the Makefile pins the toolchain.
func WriteArchive(w io.Writer, files []File) error {
	sorted := slices.SortedFunc(slices.Values(files), func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	for i, f := range sorted {
		if i > 0 && sorted[i-1].Name == f.Name {
			return fmt.Errorf("archiving %s: the name is given twice", f.Name)
		}
		if err := writeEntry(tw, f); err != nil {
			return fmt.Errorf("archiving %s: %w", f.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func writeEntry(tw *tar.Writer, f File) error {
	err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg,
		Name:     f.Name,
		Mode:     f.Mode,
		Size:     int64(len(f.Data)),
		ModTime:  ArchiveTime,
		Format:   tar.FormatUSTAR, // no PAX records: they could carry atime and ctime
	})
	if err != nil {
		return err
	}
	_, err = tw.Write(f.Data)
	return err
}
