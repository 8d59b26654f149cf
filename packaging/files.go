package packaging

// Binary names in a release archive: the one users run, and the one kubectl
// looks for to run `kubectl crane-migrate` (plugin.yaml's bin).
const (
	BinaryName = "crane-migrate"
	PluginName = "kubectl-crane_migrate"
)

// ReleaseFiles is what a platform's archive holds: the crane-migrate binary
// under both its names, and the license.
func ReleaseFiles(binary, license []byte) []File {
	return []File{
		{Name: BinaryName, Mode: 0o755, Data: binary},
		{Name: PluginName, Mode: 0o755, Data: binary},
		{Name: "LICENSE", Mode: 0o644, Data: license},
	}
}
