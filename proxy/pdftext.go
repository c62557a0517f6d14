package proxy

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// PDF text extraction for payload scanning, on github.com/ledongthuc/pdf
// (the maintained fork of rsc.io/pdf: pure Go, BSD licence, ToUnicode
// CMaps, flate/LZW/ASCII85 streams). Its parser reports malformed input by
// panicking and trusts the file's page tree, so the wrapper bounds it:
//   - a panic is recovered and becomes an error (the payload is refused);
//   - the page tree is walked here, depth- and count-limited, not through
//     the library's per-page lookup (quadratic, and it trusts /Count);
//   - text is collected through pdf.Interpret with a byte budget and a
//     deadline checked on every operator, so a content-stream bomb stops;
//   - the whole extraction runs under a wall-clock limit and at most
//     pdfWorkers at a time: a PDF that still overruns is refused, and the
//     request does not wait for it.
// A PDF the library cannot open (encrypted with a password, truncated) is
// refused: what the proxy cannot read does not leave.

const (
	pdfTimeout   = 10 * time.Second
	pdfMaxText   = 16 << 20
	pdfMaxPages  = 5000
	pdfMaxDepth  = 32
	pdfWorkers   = 2
	pdfMaxFields = 10000
)

var pdfSlots = make(chan struct{}, pdfWorkers)

var (
	errPDFBudget   = errors.New("PDF text exceeds the extraction budget")
	errPDFDeadline = errors.New("PDF text extraction took too long")
)

// extractPDFText returns the text of a PDF: page content, annotations and
// the document information dictionary.
func extractPDFText(b []byte) (string, error) {
	return extractPDFTextWithin(b, pdfTimeout)
}

func extractPDFTextWithin(b []byte, limit time.Duration) (string, error) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case pdfSlots <- struct{}{}:
	case <-timer.C:
		return "", errPDFDeadline
	}
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	deadline := time.Now().Add(limit)
	go func() {
		defer func() { <-pdfSlots }()
		t, err := pdfText(b, deadline)
		done <- result{t, err}
	}()
	select {
	case r := <-done:
		return r.text, r.err
	case <-timer.C:
		// The worker stops at its next deadline check and frees its slot.
		return "", errPDFDeadline
	}
}

// pdfWalker collects text under a budget.
type pdfWalker struct {
	out      strings.Builder
	deadline time.Time
	pages    int
	steps    int
}

func (w *pdfWalker) check() {
	w.steps++
	if w.steps&255 == 0 && time.Now().After(w.deadline) {
		panic(errPDFDeadline)
	}
}

func (w *pdfWalker) write(s string) {
	if w.out.Len()+len(s) > pdfMaxText {
		panic(errPDFBudget)
	}
	w.out.WriteString(s)
}

func pdfText(b []byte, deadline time.Time) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && (errors.Is(e, errPDFBudget) || errors.Is(e, errPDFDeadline)) {
				err = e
				return
			}
			err = fmt.Errorf("malformed PDF: %v", r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", fmt.Errorf("open PDF: %w", err)
	}
	w := &pdfWalker{deadline: deadline}
	info := rd.Trailer().Key("Info")
	for _, k := range info.Keys() {
		w.check()
		if v := info.Key(k); v.Kind() == pdf.String {
			w.write(v.Text() + "\n")
		}
	}
	w.walkPages(rd.Trailer().Key("Root").Key("Pages"), 0)
	return w.out.String(), nil
}

// walkPages visits the page tree depth-first.
func (w *pdfWalker) walkPages(node pdf.Value, depth int) {
	if depth > pdfMaxDepth {
		panic(errors.New("page tree nested too deep"))
	}
	kids := node.Key("Kids")
	if node.Key("Type").Name() != "Pages" && kids.Kind() != pdf.Array {
		w.page(pdf.Page{V: node})
		return
	}
	for i := 0; i < kids.Len(); i++ {
		w.check()
		w.walkPages(kids.Index(i), depth+1)
	}
}

// page adds one page's text: its content stream and annotation contents.
func (w *pdfWalker) page(p pdf.Page) {
	w.pages++
	if w.pages > pdfMaxPages {
		panic(errors.New("too many pages"))
	}
	annots := p.V.Key("Annots")
	for i := 0; i < annots.Len() && i < pdfMaxFields; i++ {
		w.check()
		if c := annots.Index(i).Key("Contents"); c.Kind() == pdf.String {
			w.write(c.Text() + "\n")
		}
	}
	if p.V.IsNull() || p.V.Key("Contents").Kind() == pdf.Null {
		return
	}
	fonts := map[string]*pdf.Font{}
	for _, name := range p.Fonts() {
		f := p.Font(name)
		fonts[name] = &f
	}
	var enc pdf.TextEncoding
	show := func(raw string) {
		if enc == nil {
			w.write(raw)
			return
		}
		w.write(enc.Decode(raw))
	}
	pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		w.check()
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT", "T*", "Td", "TD", "Tm":
			w.write("\n")
		case "Tf":
			enc = nil
			if len(args) == 2 {
				if f, ok := fonts[args[0].Name()]; ok {
					enc = f.Encoder()
				}
			}
		case "Tj", "'", "\"":
			if len(args) > 0 {
				show(args[len(args)-1].RawString())
			}
		case "TJ":
			if len(args) == 1 {
				v := args[0]
				for i := 0; i < v.Len(); i++ {
					if x := v.Index(i); x.Kind() == pdf.String {
						show(x.RawString())
					}
				}
			}
		}
	})
}
