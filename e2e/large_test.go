package e2e

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// largeLayer is the layer size of the memory check: 256 MiB, as the issue
// allows when 1 GiB is too slow for CI on two cores.
const largeLayer = 256 << 20

// maxRSS is the high-water mark we promise for copying largeLayer: blobs
// stream registry to registry, so memory must not grow with the layer.
const maxRSS = 96 << 20

// streamLayer is a layer of seeded random bytes generated as it is read, so
// the test itself never holds it in memory.
type streamLayer struct {
	size   int64
	digest v1.Hash
}

func newStreamLayer(t *testing.T, size int64) streamLayer {
	t.Helper()
	h := sha256.New()
	if _, err := io.Copy(h, streamLayer{size: size}.reader()); err != nil {
		t.Fatal(err)
	}
	return streamLayer{size: size, digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}}
}

func (l streamLayer) reader() io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{7}), l.size)
}
func (l streamLayer) Digest() (v1.Hash, error)             { return l.digest, nil }
func (l streamLayer) DiffID() (v1.Hash, error)             { return l.digest, nil }
func (l streamLayer) Compressed() (io.ReadCloser, error)   { return io.NopCloser(l.reader()), nil }
func (l streamLayer) Uncompressed() (io.ReadCloser, error) { return io.NopCloser(l.reader()), nil }
func (l streamLayer) Size() (int64, error)                 { return l.size, nil }
func (l streamLayer) MediaType() (types.MediaType, error)  { return types.OCIUncompressedLayer, nil }

// peakRSS polls the child's own high-water mark (VmHWM) until it exits.
// ru_maxrss would not do: Linux carries the parent's mark across the
// vfork+exec that os/exec uses.
func peakRSS(pid int, done <-chan struct{}) int64 {
	var peak int64
	for {
		if f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status"); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
					kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
					peak = max(peak, kb<<10)
				}
			}
			f.Close()
		}
		select {
		case <-done:
			return peak
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestLargeLayerStreamsWithFlatMemory(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	img, err := mutate.AppendLayers(empty.Image, newStreamLayer(t, largeLayer))
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(src.Host() + "/oldorg/big:v1")
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}

	home := t.TempDir()
	cmd := exec.Command(bin(), "copy", src.Host()+"/oldorg/big:v1", dst.Host()+"/neworg/big:v1",
		"--report", filepath.Join(home, "report.json"))
	cmd.Env = []string{"HOME=" + home, "DOCKER_CONFIG=" + home}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	peak := make(chan int64)
	go func() { peak <- peakRSS(cmd.Process.Pid, done) }()
	err = cmd.Wait()
	close(done)
	rss := <-peak
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, out.String())
	}
	t.Logf("copying a %d MiB layer: peak RSS %d MiB", largeLayer>>20, rss>>20)
	if rss == 0 || rss > maxRSS {
		t.Errorf("peak RSS %d MiB, want under %d MiB: the layer was buffered, not streamed", rss>>20, maxRSS>>20)
	}
	if got := readReport(t, filepath.Join(home, "report.json")); got.Summary.Verified != 1 {
		t.Errorf("summary %+v", got.Summary)
	}
}
