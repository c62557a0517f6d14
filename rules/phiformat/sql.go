package phiformat

import (
	"bytes"
	"strings"
)

// sqlMarks are what Detect looks for in SQL seeds. " into " rather than
// "insert into": bytes.Index is several times faster on needles that do
// not start with a common letter, and this runs on every file.
var sqlMarks = [][]byte{[]byte(" INTO "), []byte(" into "), []byte("FROM stdin;")}

// hasSQLRows is Detect's test for SQL seeds: an INSERT INTO (in any case)
// or a COPY FROM stdin.
func hasSQLRows(data []byte) bool {
	for k, m := range sqlMarks {
		for p := 0; ; {
			i := bytes.Index(data[p:], m)
			if i < 0 {
				break
			}
			p += i
			if k >= 2 || p >= 6 && bytes.EqualFold(data[p-6:p], []byte("insert")) {
				return true
			}
			p += len(m)
		}
	}
	return false
}

// readSQL reads every `INSERT INTO t (cols) VALUES (…), (…);` statement,
// of any length, and every `COPY t (cols) FROM stdin;` block (pg_dump):
// each value is labelled by the column it sits under.
func readSQL(data []byte) ([]Field, []Span) {
	var fs fields
	var quiet []Span
	lower := bytes.ToLower(data)
	// The columns of CREATE TABLE statements, for INSERTs without a
	// column list.
	defs := map[string][][]byte{}
	for pos := 0; ; {
		i := bytes.Index(lower[pos:], []byte("create table"))
		if i < 0 {
			break
		}
		pos += i + len("create table")
		name, cols, next := tableDef(data, lower, pos)
		if name != "" {
			defs[name] = cols
		}
		pos = max(pos, next)
	}
	for pos := 0; pos < len(data); {
		i := bytes.Index(lower[pos:], []byte("insert into"))
		j := bytes.Index(lower[pos:], []byte("copy "))
		if i < 0 && j < 0 {
			break
		}
		if i >= 0 && (j < 0 || i < j) {
			pos = readInsert(data, lower, pos+i+len("insert into"), defs, &fs, &quiet)
		} else {
			pos = readCopy(data, lower, pos+j+len("copy "), &fs, &quiet)
		}
	}
	return fs, quiet
}

// tableName reads a (schema-qualified, quoted) table name at p.
func tableName(lower []byte, p int) (string, int) {
	p = skipSpace(lower, p)
	if bytes.HasPrefix(lower[p:], []byte("if not exists")) {
		p = skipSpace(lower, p+len("if not exists"))
	}
	s := p
	for p < len(lower) && !isSpace(lower[p]) && lower[p] != '(' && lower[p] != ';' {
		p++
	}
	name := string(bytes.Trim(lower[s:p], "\"`[]"))
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = strings.Trim(name[i+1:], "\"`[]")
	}
	return name, p
}

// tableDef reads `name (col type, …)` of a CREATE TABLE: the column names
// are the first word of each top-level item that is no constraint.
func tableDef(data, lower []byte, p int) (string, [][]byte, int) {
	name, p := tableName(lower, p)
	p = skipSpace(data, p)
	if p >= len(data) || data[p] != '(' {
		return "", nil, p
	}
	var cols [][]byte
	depth, s := 0, p+1
	for q := p; q < len(data) && q < p+65536; q++ {
		switch data[q] {
		case '(':
			depth++
		case ')', ',':
			if data[q] == ')' {
				depth--
			}
			if depth == 1 && data[q] == ',' || depth == 0 {
				item := bytes.Fields(data[s:q])
				if len(item) > 0 {
					w := strings.ToLower(string(item[0]))
					switch w {
					case "primary", "foreign", "unique", "constraint", "check", "key", "index":
					default:
						cols = append(cols, bytes.Trim(item[0], "\"`[]"))
					}
				}
				s = q + 1
			}
			if depth == 0 {
				return name, cols, q + 1
			}
		}
	}
	return "", nil, p
}

// columnList reads `name (a, b, "c")` at p: the header cells and the
// offset after the closing parenthesis, or ok=false.
func columnList(data []byte, p int) (hs [][]byte, next int, ok bool) {
	p = skipSpace(data, p)
	for p < len(data) && !isSpace(data[p]) && data[p] != '(' {
		p++ // the table name
	}
	p = skipSpace(data, p)
	if p >= len(data) || data[p] != '(' {
		return nil, p, false
	}
	end := bytes.IndexByte(data[p:min(len(data), p+8192)], ')')
	if end < 0 {
		return nil, p, false
	}
	for _, c := range bytes.Split(data[p+1:p+end], []byte{','}) {
		hs = append(hs, bytes.Trim(bytes.TrimSpace(c), "\"`[]"))
	}
	return hs, p + end + 1, true
}

func readInsert(data, lower []byte, p int, defs map[string][][]byte, fs *fields, quiet *[]Span) int {
	start := p
	name, _ := tableName(lower, p)
	hs, p, ok := columnList(data, p)
	if !ok {
		// No column list: the columns of the table's CREATE TABLE.
		if hs, ok = defs[name]; !ok {
			return p
		}
	}
	p = skipSpace(data, p)
	if !bytes.HasPrefix(lower[p:], []byte("values")) {
		return p
	}
	p += len("values")
	t := newTable(hs)
	for {
		p = skipSpace(data, p)
		if p >= len(data) || data[p] != '(' {
			break
		}
		var cells []Span
		cells, p = sqlTuple(data, p+1)
		if t.patient {
			for i, c := range cells {
				t.add(data, fs, i, c.Start, c.End, "SQL")
			}
		}
		p = skipSpace(data, p)
		if p < len(data) && data[p] == ',' {
			p++
			continue
		}
		break
	}
	if !t.patient {
		*quiet = append(*quiet, Span{start, p})
	}
	return max(p, start+1)
}

// sqlTuple reads the values of one tuple starting after its '(': quoted
// strings (” and \' escapes), numbers, NULL, calls such as now().
func sqlTuple(data []byte, p int) ([]Span, int) {
	var cells []Span
	for p < len(data) {
		p = skipSpace(data, p)
		if p >= len(data) {
			break
		}
		if quote := data[p]; quote == '\'' || quote == '"' {
			s := p + 1
			q := s
			for q < len(data) {
				if data[q] == '\\' {
					q += 2
					continue
				}
				if data[q] == quote {
					if q+1 < len(data) && data[q+1] == quote {
						q += 2
						continue
					}
					break
				}
				q++
			}
			cells = append(cells, Span{s, min(q, len(data))})
			p = q + 1
		} else {
			s, depth := p, 0
			for p < len(data) && (depth > 0 || data[p] != ',' && data[p] != ')') {
				switch data[p] {
				case '(':
					depth++
				case ')':
					depth--
				}
				p++
			}
			cells = append(cells, Span{s, p})
		}
		p = skipSpace(data, p)
		if p < len(data) && data[p] == ',' {
			p++
			continue
		}
		if p < len(data) && data[p] == ')' {
			return cells, p + 1
		}
		// Not a tuple after all (a quote left open): stop here.
		for p < len(data) && data[p] != ')' && data[p] != '\n' {
			p++
		}
		return cells, min(len(data), p+1)
	}
	return cells, p
}

func readCopy(data, lower []byte, p int, fs *fields, quiet *[]Span) int {
	start := p
	hs, p, ok := columnList(data, p)
	if !ok {
		return p
	}
	nl := bytes.IndexByte(data[p:], '\n')
	if nl < 0 || !bytes.Contains(lower[p:p+nl], []byte("from stdin")) {
		return p
	}
	p += nl + 1
	t := newTable(hs)
	for p < len(data) {
		e := bytes.IndexByte(data[p:], '\n')
		if e < 0 {
			e = len(data) - p
		}
		line := data[p : p+e]
		if bytes.Equal(bytes.TrimRight(line, "\r"), []byte(`\.`)) {
			p += e + 1
			break
		}
		if t.patient {
			col, s := 0, p
			for k := p; k <= p+e; k++ {
				if k == p+e || data[k] == '\t' {
					if !bytes.Equal(data[s:k], []byte(`\N`)) {
						t.add(data, fs, col, s, k, "SQL")
					}
					col++
					s = k + 1
				}
			}
		}
		p += e + 1
	}
	if !t.patient {
		*quiet = append(*quiet, Span{start, min(p, len(data))})
	}
	return p
}

func skipSpace(data []byte, p int) int {
	for p < len(data) {
		switch {
		case isSpace(data[p]):
			p++
		case data[p] == '-' && p+1 < len(data) && data[p+1] == '-':
			for p < len(data) && data[p] != '\n' {
				p++
			}
		default:
			return p
		}
	}
	return p
}
