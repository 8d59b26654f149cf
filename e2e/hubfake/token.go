package hubfake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"time"
)

// jwtLike makes a random token shaped like the Hub's JWTs: three base64url
// parts, a readable header and claims, and a random "signature". Clients must
// treat it as opaque; nothing verifies it but the server's memory.
func jwtLike(user string, now time.Time, ttl time.Duration) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "hubfake"})
	claims, _ := json.Marshal(map[string]any{
		"sub": user, "iss": "hubfake", "iat": now.Unix(), "exp": now.Add(ttl).Unix(), "jti": enc.EncodeToString(random(16)),
	})
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString(random(32))
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return b
}
