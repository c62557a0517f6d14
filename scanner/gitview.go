package scanner

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/suppress"
)

// gitView answers, during a directory walk, whether git would leave a path
// out: tracked files never are; untracked ones are when git's ignore rules
// say so. Outside a work tree only the .gitignore files count.
type gitView struct {
	prefix  string          // scan root relative to the work tree root, "" or "a/b/"
	tracked map[string]bool // repo-relative paths of tracked files
	dirs    map[string]bool // repo-relative directories holding tracked files
	ign     suppress.Paths
	// lfsStore is the work tree's local LFS object store (lfs.go), where
	// the content of a file checked out as an LFS pointer may be.
	lfsStore string
}

// openGitView finds the work tree around root (if any), reads its index
// and the ignore sources git reads before the per-directory .gitignore
// files: core.excludesFile, .git/info/exclude, and the .gitignore files of
// the directories between the work tree root and root.
func openGitView(root string) (*gitView, error) {
	gv := &gitView{}
	// The work tree's root comes back absolute; a relative scan root (the
	// common `scan --path .`) must be too, or filepath.Rel fails and the
	// walk silently loses git's view (tracked-but-ignored files, info/exclude).
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	repo, err := gitobj.OpenRepo(root)
	if err != nil {
		// Not a repository (or one that cannot be read): plain .gitignore
		// semantics, nothing tracked.
		return gv, nil
	}
	if repo.WorkTree == "" {
		return gv, nil // bare
	}
	top, err := filepath.EvalSymlinks(repo.WorkTree)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(top, root)
	if err != nil || strings.HasPrefix(rel, "..") {
		return gv, nil
	}
	if rel = filepath.ToSlash(rel); rel != "." {
		gv.prefix = rel + "/"
	}
	gv.lfsStore = lfsStoreDir(repo)
	idx, err := repo.ReadIndex("")
	if err != nil {
		return nil, err
	}
	gv.tracked = map[string]bool{}
	gv.dirs = map[string]bool{}
	for _, e := range idx {
		gv.tracked[e.Name] = true
		for d := path.Dir(e.Name); d != "."; d = path.Dir(d) {
			if gv.dirs[d] {
				break
			}
			gv.dirs[d] = true
		}
	}
	if ex := excludesFile(repo); ex != "" {
		if raw, err := os.ReadFile(ex); err == nil {
			gv.ign.Add("", strings.Split(string(raw), "\n"))
		}
	}
	if raw, err := os.ReadFile(filepath.Join(repo.CommonDir, "info", "exclude")); err == nil {
		gv.ign.Add("", strings.Split(string(raw), "\n"))
	}
	gv.ign.Push("")
	if gv.prefix != "" {
		parts := strings.Split(strings.TrimSuffix(gv.prefix, "/"), "/")
		// The root's own .gitignore is loaded by enter; its ancestors here.
		for i := 0; i < len(parts); i++ {
			d := strings.Join(parts[:i], "/")
			if err := gv.load(filepath.Join(top, filepath.FromSlash(d)), d); err != nil {
				return nil, err
			}
		}
	}
	return gv, nil
}

// excludesFile is core.excludesFile from the repository, global or system
// configuration, else git's default $XDG_CONFIG_HOME/git/ignore.
func excludesFile(repo *gitobj.Repo) string {
	home, _ := os.UserHomeDir()
	p := repo.Config.Section("core").Option("excludesfile")
	for _, f := range userGitConfigs(home) {
		if p != "" {
			break
		}
		p = configOption(f, "core", "excludesfile")
	}
	if p == "" {
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg == "" {
			return ""
		}
		return filepath.Join(xdg, "git", "ignore")
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok && home != "" {
		p = filepath.Join(home, rest)
	}
	return p
}

// userGitConfigs are the global and system configuration files, in the
// order git lets them override each other (first wins): ~/.gitconfig,
// $XDG_CONFIG_HOME/git/config (~/.config/git/config), /etc/gitconfig.
// Read with the configuration parser alone: go-git's config package, used
// before, linked URL regexes compiled at every start (of any command) and
// read only the first of these files that existed.
func userGitConfigs(home string) []string {
	var files []string
	if home != "" {
		files = append(files, filepath.Join(home, ".gitconfig"))
	}
	if xdg := os.Getenv("XDG_CONFIG_HOME"); xdg != "" {
		files = append(files, filepath.Join(xdg, "git", "config"))
	} else if home != "" {
		files = append(files, filepath.Join(home, ".config", "git", "config"))
	}
	return append(files, "/etc/gitconfig")
}

// configOption is section.key of the git configuration file f, "" when f
// is missing, unreadable or does not set it.
func configOption(f, section, key string) string {
	raw, err := os.ReadFile(f)
	if err != nil {
		return ""
	}
	cfg := formatcfg.New()
	if err := formatcfg.NewDecoder(bytes.NewReader(raw)).Decode(cfg); err != nil {
		return ""
	}
	return cfg.Section(section).Option(key)
}

// load adds directory abs's .gitignore, scoped to repo-relative dir.
func (g *gitView) load(abs, dir string) error {
	raw, err := os.ReadFile(filepath.Join(abs, ".gitignore"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	g.ign.Add(dir, strings.Split(string(raw), "\n"))
	return nil
}

// enter is called for each directory the walk descends into (rel relative
// to the scan root, "" for the root); listed says the directory's listing
// holds a .gitignore (false: it is not looked up). An unreadable
// .gitignore is an error: without it the scan cannot know what git would
// leave out.
func (g *gitView) enter(abs, rel string, listed bool) error {
	dir := strings.TrimSuffix(g.prefix+rel, "/")
	g.ign.PopTo(dir + "/")
	g.ign.Push(dir)
	if !listed {
		return nil
	}
	if err := g.load(abs, dir); err != nil && dirReadable(abs) {
		return err // else the directory itself is unreadable: the walk reports it
	}
	return nil
}

// ignored reports whether git leaves out rel (relative to the scan root).
func (g *gitView) ignored(rel string, isDir bool) bool {
	p := g.prefix + rel
	if g.tracked != nil {
		if isDir && g.dirs[p] || !isDir && g.tracked[p] {
			return false
		}
	}
	g.ign.PopTo(p)
	// A directory is reached only if no parent was excluded, or one was
	// but holds tracked files: then its untracked content stays excluded.
	return g.ign.MatchPath(p, isDir)
}
