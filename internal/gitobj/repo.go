package gitobj

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"
)

// Repo is a repository as git lays it out on disk: where its git
// directory, common directory and work tree are, and its object format.
//
// It is read here, not with go-git, because go-git v5 fixes the hash
// length at compile time (its `sha256` build tag switches every
// repository to SHA-256): a program built for one format cannot open the
// other. What the scans need from a repository beyond its objects is
// small: the layout, the config's extensions, refs (loose and packed),
// the shallow list and the index (index.go).
type Repo struct {
	// GitDir is the repository's git directory (a linked worktree's own
	// .git/worktrees/<name>), where HEAD and the index live.
	GitDir string
	// CommonDir holds objects/, refs/, packed-refs, config and shallow
	// (GitDir unless this is a linked worktree).
	CommonDir string
	// WorkTree is the work tree's root; "" for a bare repository.
	WorkTree string
	// Format is extensions.objectFormat (SHA1 when unset).
	Format Format
	// Config is the repository's own config file (not the global one).
	Config *formatcfg.Config
}

// ErrNoRepo is returned when no git directory is found at or above a path.
var ErrNoRepo = errors.New("not a git repository")

// ErrUnsupported is returned for a repository whose layout this package
// cannot read (an unknown object format, reftable refs).
var ErrUnsupported = errors.New("repository format not supported")

// OpenRepo finds the repository at or above path, as git does: a .git
// directory or a .git file ("gitdir: …", a linked worktree or a
// submodule) in path or a parent, or path (or a parent) being a bare git
// directory itself.
func OpenRepo(path string) (*Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	for dir := abs; ; {
		dot := filepath.Join(dir, ".git")
		if st, err := os.Stat(dot); err == nil {
			gitDir := dot
			if !st.IsDir() {
				if gitDir, err = readGitFile(dot); err != nil {
					return nil, err
				}
			}
			return openGitDir(gitDir, dir)
		}
		if isGitDir(dir) {
			return openGitDir(dir, "")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, fmt.Errorf("%s: %w", abs, ErrNoRepo)
		}
		dir = parent
	}
}

// readGitFile follows a .git file's "gitdir: <path>" line.
func readGitFile(name string) (string, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	p, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file: %w", name, ErrNoRepo)
	}
	p = strings.TrimSpace(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(name), p)
	}
	return p, nil
}

// isGitDir reports whether dir has what git requires of a git directory:
// HEAD, objects/ and refs/ (in the common directory of a linked worktree).
func isGitDir(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		return false
	}
	common := commonDir(dir)
	for _, name := range []string{"objects", "refs"} {
		if st, err := os.Stat(filepath.Join(common, name)); err != nil || !st.IsDir() {
			return false
		}
	}
	return true
}

// commonDir follows gitDir's commondir file, if any.
func commonDir(gitDir string) string {
	raw, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return gitDir
	}
	p := strings.TrimSpace(string(raw))
	if !filepath.IsAbs(p) {
		p = filepath.Join(gitDir, p)
	}
	return filepath.Clean(p)
}

func openGitDir(gitDir, workTree string) (*Repo, error) {
	if !isGitDir(gitDir) {
		return nil, fmt.Errorf("%s: %w", gitDir, ErrNoRepo)
	}
	r := &Repo{GitDir: gitDir, CommonDir: commonDir(gitDir), WorkTree: workTree, Config: formatcfg.New()}
	raw, err := os.ReadFile(filepath.Join(r.CommonDir, "config"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if err := formatcfg.NewDecoder(bytes.NewReader(raw)).Decode(r.Config); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(r.CommonDir, "config"), err)
	}
	ext := r.Config.Section("extensions")
	switch f := strings.ToLower(ext.Option("objectformat")); f {
	case "", "sha1":
	case "sha256":
		r.Format = SHA256
	default:
		return nil, fmt.Errorf("extensions.objectformat %q: %w", f, ErrUnsupported)
	}
	if rs := strings.ToLower(ext.Option("refstorage")); rs != "" && rs != "files" {
		return nil, fmt.Errorf("extensions.refstorage %q: %w", rs, ErrUnsupported)
	}
	if workTree == "" {
		if wt := r.Config.Section("core").Option("worktree"); wt != "" {
			if !filepath.IsAbs(wt) {
				wt = filepath.Join(gitDir, wt)
			}
			r.WorkTree = filepath.Clean(wt)
		}
	}
	return r, nil
}

// Objects opens the repository's object database.
func (r *Repo) Objects(opts Options) (*Store, error) {
	opts.Format = r.Format
	return OpenDir(r.CommonDir, opts)
}

// Ref is a reference and the id it names.
type Ref struct {
	Name string
	Hash Hash
}

// perWorktree reports whether ref name lives in the git directory of a
// linked worktree rather than the common directory.
func perWorktree(name string) bool {
	return !strings.HasPrefix(name, "refs/") || strings.HasPrefix(name, "refs/worktree/") ||
		strings.HasPrefix(name, "refs/bisect/") || strings.HasPrefix(name, "refs/rewritten/")
}

// ErrRefNotFound is returned for a reference that does not exist (HEAD
// of an empty repository points at a branch that does not exist yet).
var ErrRefNotFound = errors.New("reference not found")

// Ref resolves a full reference name (HEAD, refs/heads/main), following
// symbolic references.
func (r *Repo) Ref(name string) (Hash, error) {
	var packed map[string]Hash
	for range 10 {
		dir := r.CommonDir
		if perWorktree(name) {
			dir = r.GitDir
		}
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err == nil {
			s := strings.TrimSpace(string(raw))
			if target, ok := strings.CutPrefix(s, "ref:"); ok {
				name = strings.TrimSpace(target)
				continue
			}
			h, ok := r.parseID(s)
			if !ok {
				return Hash{}, fmt.Errorf("reference %s holds %q: %w", name, s, ErrCorrupt)
			}
			return h, nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !isDirErr(err) {
			return Hash{}, fmt.Errorf("read reference %s: %w", name, err)
		}
		if packed == nil {
			if packed, err = r.packedRefs(); err != nil {
				return Hash{}, err
			}
		}
		if h, ok := packed[name]; ok {
			return h, nil
		}
		return Hash{}, fmt.Errorf("%s: %w", name, ErrRefNotFound)
	}
	return Hash{}, fmt.Errorf("%s: symbolic references nested too deep: %w", name, ErrCorrupt)
}

// isDirErr reports an error reading a directory as a file (a ref name
// that is a prefix of others: refs/heads is not a ref).
func isDirErr(err error) bool {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if st, serr := os.Stat(pe.Path); serr == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// parseID reads a full hexadecimal id of the repository's format.
func (r *Repo) parseID(s string) (Hash, bool) {
	if len(s) != 2*r.Format.Size() {
		return Hash{}, false
	}
	return ParseHash(s)
}

// packedRefs reads packed-refs: "<id> <name>" lines, "^<id>" lines (the
// peeled tag above) and a "# pack-refs with:" header.
func (r *Repo) packedRefs() (map[string]Hash, error) {
	raw, err := os.ReadFile(filepath.Join(r.CommonDir, "packed-refs"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return map[string]Hash{}, nil
		}
		return nil, fmt.Errorf("read packed-refs: %w", err)
	}
	return r.parsePackedRefs(raw)
}

func (r *Repo) parsePackedRefs(raw []byte) (map[string]Hash, error) {
	out := map[string]Hash{}
	for n, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		id, name, ok := strings.Cut(line, " ")
		h, hok := r.parseID(id)
		if !ok || !hok || name == "" {
			return nil, fmt.Errorf("packed-refs line %d: %w", n+1, ErrCorrupt)
		}
		out[name] = h
	}
	return out, nil
}

// Refs lists every reference under refs/ that names an id (symbolic ones
// are left out: what they point at is listed), loose ones overriding
// packed ones, sorted by name.
func (r *Repo) Refs() ([]Ref, error) {
	all, err := r.packedRefs()
	if err != nil {
		return nil, err
	}
	root := filepath.Join(r.CommonDir, "refs")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasSuffix(d.Name(), ".lock") {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(r.CommonDir, p)
		name := filepath.ToSlash(rel)
		s := strings.TrimSpace(string(raw))
		if strings.HasPrefix(s, "ref:") {
			delete(all, name)
			return nil
		}
		h, ok := r.parseID(s)
		if !ok {
			return fmt.Errorf("reference %s holds %q: %w", name, s, ErrCorrupt)
		}
		all[name] = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	out := make([]Ref, 0, len(all))
	for n, h := range all {
		out = append(out, Ref{n, h})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Shallow lists the shallow boundary commits (none for a full clone).
func (r *Repo) Shallow() ([]Hash, error) {
	raw, err := os.ReadFile(filepath.Join(r.CommonDir, "shallow"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read shallow: %w", err)
	}
	var out []Hash
	for _, line := range strings.Fields(string(raw)) {
		h, ok := r.parseID(line)
		if !ok {
			return nil, fmt.Errorf("shallow line %q: %w", line, ErrCorrupt)
		}
		out = append(out, h)
	}
	return out, nil
}
