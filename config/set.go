package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Set writes key = value into the configuration file at path, creating the
// file (and its directory) if needed. The edit is made in the file's own
// text wherever possible, so comments, blank lines, key order and quoting
// elsewhere stay exactly as they were; only when a value's shape makes that
// impossible is the document re-encoded through the yaml.v3 node tree, which
// still keeps comments and order. The result is parsed and validated before
// it replaces the file, atomically. List values are comma-separated; an
// empty value clears a list.
func Set(path, key, value string) error {
	if !utf8.ValidString(key) {
		return &Error{File: path, Key: key, Err: ErrUnknownKey, Detail: "the key is not valid UTF-8", Choices: strings.Join(KeyNames(), ", ")}
	}
	k, ok := Lookup(key)
	if !ok {
		e := &Error{File: path, Key: key, Err: ErrUnknownKey, Choices: strings.Join(KeyNames(), ", ")}
		if c := closest(key, KeyNames()); c != "" {
			e.Detail = fmt.Sprintf("did you mean %q?", c)
		}
		return e
	}
	v, err := parseRaw(k, value, "")
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.File, ce.Origin = path, ""
		}
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read config: %w", err)
	}
	if _, err := Parse(path, SourceProject, data); err != nil && !isKeyError(err, key) {
		return err
	}
	out, err := setText(data, k, v)
	if err != nil {
		return &Error{File: path, Key: key, Err: ErrMalformed, Detail: err.Error()}
	}
	if _, err := Parse(path, SourceProject, out); err != nil {
		return err
	}
	return writeAtomic(path, out)
}

// isKeyError reports whether err is a bad value of key itself, which Set is
// about to replace.
func isKeyError(err error, key string) bool {
	var ce *Error
	return errors.As(err, &ce) && errors.Is(ce.Err, ErrBadValue) && ce.Key == key
}

// setText returns data with k set to v.
func setText(data []byte, k Key, v Value) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var root *yaml.Node
	if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
		root = doc.Content[0]
	}
	section, child := "", k.Name
	if i := strings.IndexByte(k.Name, '.'); i > 0 {
		section, child = k.Name[:i], k.Name[i+1:]
	}
	var valNode *yaml.Node
	if root != nil {
		_, valNode = mapGet(root, k.Name) // top-level, or written dotted
		if valNode == nil && section != "" {
			if _, sn := mapGet(root, section); sn != nil && sn.Kind == yaml.MappingNode {
				_, valNode = mapGet(sn, child)
			}
		}
	}
	lines := splitLines(data)
	if valNode != nil {
		if out, ok := replaceValue(lines, valNode, k, v); ok {
			return out, nil
		}
		return reencode(&doc, valNode, k, v)
	}
	if root == nil && len(bytes.TrimSpace(stripComments(data))) > 0 {
		return nil, errors.New("the top level is not a mapping of keys to values")
	}
	entry := func(indent string) []string { return renderEntry(indent, child, k, v) }
	if section == "" {
		// A commented-out "# key: …" line (as init writes) becomes the
		// setting in place; otherwise the key goes at the end.
		if i := findCommented(lines, 1, len(lines), "", child); i > 0 {
			return replaceLine(lines, i, entry("")), nil
		}
		return insertLines(lines, len(lines), entry("")), nil
	}
	var kn, sn *yaml.Node
	if root != nil {
		kn, sn = mapGet(root, section)
	}
	if kn == nil {
		ins := append([]string{section + ":"}, entry("  ")...)
		return insertLines(lines, len(lines), ins), nil
	}
	hi := len(lines)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i] == kn && i+2 < len(root.Content) {
			hi = root.Content[i+2].Line - 1
		}
	}
	switch {
	case sn.Kind == yaml.MappingNode && sn.Style&yaml.FlowStyle == 0 && len(sn.Content) > 0:
		indent := strings.Repeat(" ", sn.Content[0].Column-1)
		if i := findCommented(lines, kn.Line+1, hi, indent, child); i > 0 {
			return replaceLine(lines, i, entry(indent)), nil
		}
		return insertLines(lines, lastLine(sn), entry(indent)), nil
	case sn.Kind == yaml.ScalarNode && sn.Tag == "!!null" && sn.Line == kn.Line:
		// "section:" with every key under it commented out.
		if i := findCommented(lines, kn.Line+1, hi, "", child); i > 0 {
			indent := lines[i-1].text[:len(lines[i-1].text)-len(strings.TrimLeft(lines[i-1].text, " "))]
			if indent == "" {
				indent = "  "
			}
			return replaceLine(lines, i, entry(indent)), nil
		}
		return insertLines(lines, kn.Line, entry("  ")), nil
	case sn.Kind == yaml.MappingNode:
		return reencodeInsert(&doc, sn, child, k, v)
	}
	return nil, fmt.Errorf("%s is not a section of keys", section)
}

// findCommented returns the 1-based line in [lo, hi] that is a commented-out
// "# name: …" at the given indentation ("" = any), or 0.
func findCommented(ls []line, lo, hi int, indent, name string) int {
	for i := max(lo, 1); i <= min(hi, len(ls)); i++ {
		t := ls[i-1].text
		trimmed := strings.TrimLeft(t, " ")
		if indent != "" && t[:len(t)-len(trimmed)] != indent {
			continue
		}
		if indent == "" && lo == 1 && len(trimmed) != len(t) {
			continue // top-level keys: only unindented comments
		}
		c, ok := strings.CutPrefix(trimmed, "#")
		if !ok {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(c, " "), name+":") {
			return i
		}
	}
	return 0
}

// replaceLine replaces 1-based line i with new lines.
func replaceLine(ls []line, i int, with []string) []byte {
	eol := ls[i-1].eol
	if eol == "" {
		eol = eolOf(ls)
	}
	out := append([]line{}, ls[:i-1]...)
	for _, s := range with {
		out = append(out, line{text: s, eol: eol})
	}
	out = append(out, ls[i:]...)
	return joinLines(out)
}

// stripComments drops comment-only lines, to tell an empty file from one
// whose top level is not a mapping.
func stripComments(data []byte) []byte {
	var out []byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) {
			out = append(out, l...)
		}
	}
	return out
}

// mapGet finds key in a mapping node.
func mapGet(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// lastLine is the last source line a node's content reaches.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// line is one source line split from its terminator.
type line struct {
	text string
	eol  string
}

func splitLines(data []byte) []line {
	var out []line
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, line{text: string(data)})
			break
		}
		t := string(data[:i])
		eol := "\n"
		if strings.HasSuffix(t, "\r") {
			t, eol = t[:len(t)-1], "\r\n"
		}
		out = append(out, line{text: t, eol: eol})
		data = data[i+1:]
	}
	return out
}

func joinLines(ls []line) []byte {
	var b bytes.Buffer
	for _, l := range ls {
		b.WriteString(l.text)
		b.WriteString(l.eol)
	}
	return b.Bytes()
}

// eolOf is the file's line ending, for inserted lines.
func eolOf(ls []line) string {
	for _, l := range ls {
		if l.eol != "" {
			return l.eol
		}
	}
	return "\n"
}

// insertLines inserts text lines after 1-based line at (0 = at the top).
func insertLines(ls []line, at int, ins []string) []byte {
	eol := eolOf(ls)
	if at > 0 && at <= len(ls) && ls[at-1].eol == "" {
		ls[at-1].eol = eol // the file did not end with a newline
	}
	var add []line
	for _, s := range ins {
		add = append(add, line{text: s, eol: eol})
	}
	out := append([]line{}, ls[:at]...)
	out = append(out, add...)
	out = append(out, ls[at:]...)
	return joinLines(out)
}

// byteCol converts a 1-based character column to a byte offset in s.
func byteCol(s string, col int) int {
	n := 1
	for i := range s {
		if n == col {
			return i
		}
		n++
	}
	if n == col {
		return len(s)
	}
	return -1
}

// replaceValue splices the new value over the old one in the text. It
// handles one-line scalars, one-line flow lists and block lists of one-line
// items; ok is false for anything else.
func replaceValue(ls []line, vn *yaml.Node, k Key, v Value) ([]byte, bool) {
	if vn.Line < 1 || vn.Line > len(ls) {
		return nil, false
	}
	text := ls[vn.Line-1].text
	start := byteCol(text, vn.Column)
	if start < 0 {
		return nil, false
	}
	switch {
	case !k.List && vn.Kind == yaml.ScalarNode:
		end, ok := scalarEnd(text, start, vn)
		if !ok {
			return nil, false
		}
		ls[vn.Line-1].text = text[:start] + renderScalar(v.Str) + text[end:]
		return joinLines(ls), true
	case k.List && vn.Kind == yaml.SequenceNode && vn.Style&yaml.FlowStyle != 0:
		end, ok := flowEnd(text, start)
		if !ok || lastLine(vn) != vn.Line {
			return nil, false
		}
		ls[vn.Line-1].text = text[:start] + renderFlow(v.List) + text[end:]
		return joinLines(ls), true
	case k.List && vn.Kind == yaml.SequenceNode && len(v.List) > 0:
		for _, item := range vn.Content {
			if item.Kind != yaml.ScalarNode || item.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				return nil, false
			}
		}
		if strings.TrimSpace(text[:start]) != "" {
			return nil, false // "key: - a" cannot happen; be safe
		}
		indent := text[:start]
		var items []line
		eol := eolOf(ls)
		for _, it := range v.List {
			items = append(items, line{text: indent + "- " + renderScalar(it), eol: eol})
		}
		last := lastLine(vn)
		out := append([]line{}, ls[:vn.Line-1]...)
		out = append(out, items...)
		out = append(out, ls[last:]...)
		return joinLines(out), true
	}
	return nil, false
}

// scalarEnd finds where a one-line scalar's source text ends.
func scalarEnd(text string, start int, vn *yaml.Node) (int, bool) {
	switch {
	case vn.Style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(text); i++ {
			switch text[i] {
			case '\\':
				i++
			case '"':
				return i + 1, true
			}
		}
	case vn.Style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(text); i++ {
			if text[i] == '\'' {
				if i+1 < len(text) && text[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, true
			}
		}
	case vn.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
	default:
		if strings.HasPrefix(text[start:], vn.Value) {
			return start + len(vn.Value), true
		}
	}
	return 0, false
}

// flowEnd finds the ] closing a flow sequence that opens at start.
func flowEnd(text string, start int) (int, bool) {
	if start >= len(text) || text[start] != '[' {
		return 0, false
	}
	var quote byte
	for i := start + 1; i < len(text); i++ {
		c := text[i]
		switch {
		case quote == '"' && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			return 0, false // nested: leave it to the encoder
		case c == ']':
			return i + 1, true
		}
	}
	return 0, false
}

// renderScalar writes s as YAML: plain when that reads back as the same
// string, else double-quoted (JSON string syntax is valid YAML).
func renderScalar(s string) string {
	if plainSafe(s) {
		var n yaml.Node
		if yaml.Unmarshal([]byte("v: "+s), &n) == nil && len(n.Content) == 1 {
			if vn := n.Content[0].Content[1]; vn.Tag == "!!str" && vn.Value == s {
				return s
			}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./~", r)
		if i > 0 {
			ok = ok || strings.ContainsRune(":@+=-", r)
		}
		if !ok {
			return false
		}
	}
	return !strings.Contains(s, ": ") && !strings.HasSuffix(s, ":")
}

func renderFlow(items []string) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = renderScalar(it)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// renderEntry is "key: value" (or a block list) at an indentation.
func renderEntry(indent, name string, k Key, v Value) []string {
	if !k.List {
		return []string{indent + name + ": " + renderScalar(v.Str)}
	}
	return []string{indent + name + ": " + renderFlow(v.List)}
}

// valueNode builds the node for a new value.
func valueNode(k Key, v Value) *yaml.Node {
	if !k.List {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.Str}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, it := range v.List {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: it})
	}
	return seq
}

// reencode replaces a value node in the tree and encodes the document.
func reencode(doc, old *yaml.Node, k Key, v Value) ([]byte, error) {
	n := valueNode(k, v)
	n.LineComment, n.HeadComment, n.FootComment = old.LineComment, old.HeadComment, old.FootComment
	if k.List && old.Kind == yaml.SequenceNode && len(v.List) > 0 {
		n.Style = old.Style & yaml.FlowStyle
	}
	*old = *n
	return encode(doc)
}

// reencodeInsert adds key to a mapping in the tree and encodes the document.
func reencodeInsert(doc, m *yaml.Node, name string, k Key, v Value) ([]byte, error) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, valueNode(k, v))
	return encode(doc)
}

func encode(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeAtomic replaces path with data via a temporary file in the same
// directory, keeping an existing file's mode.
func writeAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".pretense-config-*")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}
