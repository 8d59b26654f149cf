package harness

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is how long a WithTLS certificate is valid: a day covers the
// longest benchmark, and an hour of slack before now covers clock skew.
const certValidity = 24 * time.Hour

// tlsTemplate serves HTTPS; it belongs under configTemplate's http section.
const tlsTemplate = `  tls:
    certificate: %q
    key: %q
`

// selfSigned is a certificate for 127.0.0.1 signed by its own key, and the
// client configuration that trusts it and nothing else.
type selfSigned struct {
	certPEM, keyPEM []byte
	client          *tls.Config
}

func newSelfSigned() (*selfSigned, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating a TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, fmt.Errorf("generating a serial number: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "harness registry"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(certValidity),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("creating a TLS certificate: %w", err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding the TLS key: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return &selfSigned{
		certPEM: certPEM,
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}),
		client:  &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}, nil
}

// write puts the certificate and key into dir and returns the configuration
// that serves them.
func (c *selfSigned) write(dir string) (string, error) {
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, c.certPEM, 0o600); err != nil {
		return "", fmt.Errorf("writing the TLS certificate: %w", err)
	}
	if err := os.WriteFile(key, c.keyPEM, 0o600); err != nil {
		return "", fmt.Errorf("writing the TLS key: %w", err)
	}
	return fmt.Sprintf(tlsTemplate, cert, key), nil
}

// clientTLS is the client side of r's TLS, nil when it serves plain HTTP.
func (r *Registry) clientTLS() *tls.Config {
	if r.cert == nil {
		return nil
	}
	return r.cert.client.Clone()
}
