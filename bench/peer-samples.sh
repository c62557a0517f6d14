#!/usr/bin/env bash
# Extracts the two peers' own rule samples into OUT (outside the repository:
# they are the peers' data and are never committed), then scores pretense,
# gitleaks and (when given) trufflehog on them with tools/secretbench.
#
#   bench/peer-samples.sh GITLEAKS_CHECKOUT TRUFFLEHOG_CHECKOUT OUT
#
# GITLEAKS_CHECKOUT is a gitleaks source tree (its cmd/generate/config
# generator validates every rule against its tps/fps; a copy of it in OUT is
# patched to also write them out as JSON lines). TRUFFLEHOG_CHECKOUT is a
# trufflehog source tree: the inputs of its pkg/detectors/**/*_test.go
# Test*_Pattern tables are read with go/ast (tools/secretbench).
# Environment: GITLEAKS, TRUFFLEHOG (binaries, optional).
set -euo pipefail
[ $# -eq 3 ] || { sed -n 2,13p "$0"; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
gl_src=$(cd "$1" && pwd)
th_src=$(cd "$2" && pwd)
out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)

rm -rf "$out/gitleaks-src"
cp -r "$gl_src" "$out/gitleaks-src"
python3 - "$out/gitleaks-src/cmd/generate/config/utils/validate.go" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('import (\n\t"strings"\n', 'import (\n\t"encoding/json"\n\t"os"\n\t"strings"\n', 1)
dump = '''func dumpSamples(id string, tps, fps []string) {
	f, err := os.OpenFile(os.Getenv("SAMPLES_OUT"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, s := range tps {
		enc.Encode(map[string]string{"src": "gitleaks", "rule": id, "kind": "tp", "text": s})
	}
	for _, s := range fps {
		enc.Encode(map[string]string{"src": "gitleaks", "rule": id, "kind": "fp", "text": s})
	}
}

'''
a = 'func Validate(rule config.Rule, truePositives []string, falsePositives []string) *config.Rule {\n\tr := &rule\n'
b = 'func ValidateWithPaths(rule config.Rule, truePositives map[string]string, falsePositives map[string]string) *config.Rule {\n\tr := &rule\n'
assert a in s and b in s, "gitleaks validate.go changed shape"
s = s.replace(a, dump + a + '\tdumpSamples(r.RuleID, truePositives, falsePositives)\n', 1)
s = s.replace(b, b + '''	var tp, fp []string
	for _, v := range truePositives {
		tp = append(tp, v)
	}
	for _, v := range falsePositives {
		fp = append(fp, v)
	}
	dumpSamples(r.RuleID, tp, fp)
''', 1)
open(p, 'w').write(s)
PY
rm -f "$out/gitleaks-samples.jsonl"
(cd "$out/gitleaks-src/cmd/generate/config" && SAMPLES_OUT="$out/gitleaks-samples.jsonl" go run . "$out/gitleaks-default.toml")
(cd "$here/.." && go run ./tools/secretbench extract-trufflehog "$th_src/pkg/detectors") >"$out/trufflehog-samples.jsonl"

args=(-samples "$out/gitleaks-samples.jsonl,$out/trufflehog-samples.jsonl" -work "$out/files" -misses "$out/misses.txt")
gl=${GITLEAKS:-$(command -v gitleaks || echo "$(go env GOPATH)/bin/gitleaks")}
[ -x "$gl" ] && args+=(-gitleaks "$gl")
[ -n "${TRUFFLEHOG:-}" ] && args+=(-trufflehog "$TRUFFLEHOG")
cd "$here/.." && go run ./tools/secretbench run "${args[@]}"
