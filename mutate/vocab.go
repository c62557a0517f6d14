package mutate

import (
	"bytes"
	"strings"
)

// phiWords are whole words (after camelCase/snake_case splitting) that name
// PHI or PHI-adjacent concepts. A trailing "s" or "es" is ignored.
const phiWords = `patient mrn dob birth birthdate birthday ssn npi dea diagnosis diagnoses
icd icd9 icd10 insurance insurer insured member subscriber claim prescription prescriber
physician provider encounter admission admit discharge medical medicare medicaid mbi hicn
ehr emr phi hipaa allergy allergies medication clinician clinical payer guarantor
beneficiary immunization vaccination prognosis symptom triage deceased inpatient outpatient
diagnostic`

// phiStems match as the start of a word: prescribed, diagnosed, insured…
const phiStems = `diagnos prescri patient insur physician admission discharg subscriber
beneficiar medicat allerg immuniz vaccinat clinic`

// phiInfixes match anywhere in the lowercased name, for all-lowercase
// concatenations such as patientid or dateofbirth. Only long, unambiguous
// strings: short ones (dea, ssn) would hit ordinary words.
const phiInfixes = `patient diagnos prescription insurance physician dateofbirth birthdate
medicalrecord socialsecurity subscriber beneficiar`

// phiPairs are two-word phrases whose words mean little alone.
var phiPairs = [...][2]string{
	{"medical", "record"},
	{"social", "security"},
	{"health", "plan"},
	{"date", "birth"},
}

// fnVerbs start function-like names: getPatient, load_claims, IsInsured.
const fnVerbs = `get set is has can should find load save store create update delete remove
add fetch compute calc calculate validate verify parse format build make handle process to
from read write send check render init new list count search lookup register submit apply
convert normalize normalise map filter sort print log on use ensure encode decode serialize
deserialize emit notify sync insert upsert query select merge resolve transform generate
schedule cancel approve reject assign mark import export open close start stop run
execute exec do adjudicate enroll prepare
collect reconcile refresh retrieve recompute redact mask match evaluate estimate`

// keywordsAndBuiltins are never mutated under the all policy: language
// keywords, builtins, standard-library and common framework names across the
// supported languages. Matching is exact, plus lowercase for SQL.
const keywordsAndBuiltins = `
abstract any as asserts async await boolean break case catch class const constructor continue
debugger declare default delete do else enum export extends false finally for from function get
if implements import in infer instanceof interface is keyof let module namespace never new null
number object of package private protected public readonly require return satisfies set static
string super switch symbol this throw true try type typeof undefined unique unknown var void
while with yield
and assert def del elif except global lambda nonlocal not or pass raise None True False self cls
print len range int float str bool list dict tuple isinstance issubclass enumerate zip open
super property staticmethod classmethod object Exception ValueError TypeError KeyError
IndexError RuntimeError dataclass field Optional Union List Dict Tuple Any Callable
append extend items keys values update pop get join split strip lower upper format startswith
endswith replace sorted reversed min max sum abs all any map filter iter next hasattr getattr
setattr callable repr hash id input type vars dir
chan defer fallthrough func go goto select struct map nil iota make cap copy panic recover
error byte rune uint uint8 uint16 uint32 uint64 int8 int16 int32 int64 float32 float64
complex64 complex128 uintptr fmt Println Printf Sprintf Errorf Fprintf errors New Is As
strings context Context http Handler ResponseWriter Request Response json Marshal Unmarshal
time Time Duration os io Reader Writer bytes Buffer sync Mutex WaitGroup err ctx
ServeHTTP Encode Decode Error String Close Read Write Len Less Swap Header WriteHeader
NewEncoder NewDecoder HandlerFunc HandleFunc ListenAndServe Unwrap Lock Unlock RLock RUnlock
Done Wait Add Err Value Background WithCancel WithTimeout Scan Text Bytes Fatal Fatalf
Helper Run Parallel Cleanup TempDir Setenv Logf Skip
indent encoding sep end file kwargs args logger getLogger warning exception dumps loads
dump load environ getenv mkdir makedirs exists isfile isdir basename dirname
boolean char final native strictfp synchronized throws transient volatile long short double
String Integer Long Double Boolean Object System out println List ArrayList Map HashMap Set
HashSet Optional Override toString equals hashCode getClass Stream stream collect Collectors
Arrays Collections Exception RuntimeException IllegalArgumentException Autowired Service
Component Repository Controller RestController GetMapping PostMapping RequestMapping
RequestBody PathVariable Entity Table Column Id Test Assert
base checked decimal delegate event explicit extern fixed foreach implicit internal lock
operator out override params ref sbyte sealed sizeof stackalloc uint ulong unchecked unsafe
ushort using virtual volatile var dynamic async await nameof when where record init required
Console WriteLine Task ToString Equals GetHashCode IEnumerable IList Dictionary Linq
Select Where FirstOrDefault ToList Guid DateTime
alias begin defined elsif ensure module next redo rescue retry then undef unless until
puts require_relative attr_accessor attr_reader attr_writer each map nil? initialize
raise lambda proc
crate dyn extern fn impl loop match mod move mut pub ref Self static trait unsafe use where
Vec Option Some None Ok Err Result Box Rc Arc RefCell String str usize isize u8 u16 u32 u64
u128 i8 i16 i32 i64 i128 f32 f64 println format vec unwrap expect iter into clone collect
derive Debug Clone Copy PartialEq Eq Hash Default Serialize Deserialize
SELECT FROM WHERE INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE ALTER DROP INDEX VIEW
JOIN LEFT RIGHT INNER OUTER FULL CROSS ON AS AND OR NOT NULL IS IN EXISTS BETWEEN LIKE ILIKE
GROUP BY ORDER HAVING LIMIT OFFSET UNION ALL DISTINCT CASE WHEN THEN ELSE END PRIMARY KEY
FOREIGN REFERENCES CONSTRAINT UNIQUE CHECK DEFAULT VARCHAR CHAR TEXT INTEGER INT BIGINT
SMALLINT NUMERIC DECIMAL BOOLEAN DATE TIMESTAMP TIMESTAMPTZ SERIAL COUNT SUM AVG MIN MAX
COALESCE NOW RETURNING WITH ASC DESC TRUE FALSE BEGIN COMMIT ROLLBACK GRANT REVOKE
TRIGGER FUNCTION PROCEDURE RETURNS LANGUAGE DECLARE IF CAST
console log warn error info debug Promise resolve reject then catch finally Array Object
JSON stringify parse Math floor ceil round random Date Number Boolean Symbol Map Set WeakMap
Error TypeError RegExp parseInt parseFloat isNaN setTimeout clearTimeout setInterval
clearInterval fetch window document localStorage sessionStorage addEventListener
removeEventListener querySelector getElementById forEach push pop shift unshift slice
splice concat includes indexOf lastIndexOf find findIndex some every reduce length
toLowerCase toUpperCase trim substring getFullYear getMonth getDate getDay getTime
toISOString toFixed toJSON localeCompare charAt startsWith endsWith padStart padEnd keys
values entries assign freeze hasOwnProperty prototype exports module require process env
Record Partial Required Readonly Pick Omit Exclude Extract ReturnType Awaited NonNullable
React useState useEffect useMemo useCallback useRef useContext useReducer Component
Fragment props state children render setState express Router req res next app listen
status send json body params query headers describe it test expect beforeEach afterEach
jest vi toBe toEqual mockResolvedValue
div span p a ul ol li table tr td th thead tbody img button input form label select option
textarea nav header footer main section article aside svg path h1 h2 h3 h4 h5 h6 br hr pre
className htmlFor onClick onChange onSubmit onBlur onFocus onKeyDown onMouseEnter
onMouseLeave tabIndex ariaLabel dangerouslySetInnerHTML
JavaScript TypeScript GitHub GitLab PostgreSQL MySQL SQLite MongoDB NodeJS OpenAI ChatGPT
YouTube LinkedIn iPhone iPad macOS iOS JetBrains VSCode PowerShell WebSocket OAuth GraphQL
DynamoDB BigQuery CloudFormation DevOps FastAPI NextJS VueJS PyPI NuGet README
`

// stdPackages are standard-library packages and global objects; under the
// all policy a name used as their member (strings.TrimSpace, Math.floor,
// os.path.join, std::mem::take) is theirs, not the project's.
const stdPackages = `
fmt strings strconv bytes errors os io bufio time http json sort slices maps sync context
filepath path regexp math rand log slog url exec atomic unicode utf8 reflect testing ioutil
hex base64 binary sha256 hmac crypto tls net signal runtime debug template
console Math JSON Object Array Promise Number String Date Reflect Symbol Intl process fs
crypto Buffer window document navigator location history
System Arrays Collections Objects Integer Long Double Boolean Character List Map Set Optional
Stream Collectors LocalDate LocalDateTime Instant Duration Files Paths UUID
Console Convert Task Enumerable File Path Directory Environment Guid DateTime TimeSpan
sys re datetime itertools functools collections typing logging subprocess pathlib shutil
asyncio dataclasses random uuid decimal np pd
std mem ptr Vec Option Result HashMap HashSet BTreeMap Box Rc Arc
Kernel Time Integer Float Hash Struct ActiveRecord Rails
com org java javax util lang Microsoft Linq Generic Collections Threading Tasks
`

// commonWords are single English words common enough in code that, on
// their own, they name nothing proprietary.
const commonWords = `
a able about above accept access account action active add address after again age agent
all allow also amount and answer any api app apply area array ask async at attempt auth
author auto available back bad base basic batch be before begin best between big bit block
body book both box branch buffer bug build builder button by cache call callback can cancel
card case catch category cause change channel char check child choice city class clean clear
client close code collection color column command comment common config connect connection
content context control copy core count country create created current cursor data database
date day debug default delete depth description detail details device diff dir direction
done down draft driver due each edit element else empty enable enabled end engine entry env
equal error event events example exists exit expected export extra factory fail failed false
feature field file files filter first flag float flow folder for form format found frame free
from full function general get global good group handle handler hash head header height help
here hidden history home host hour html http icon id image import in index info input insert
instance int item items job join json key keys kind label last layer layout left length level
limit line link list load local lock log logger login long lookup loop main manager map mark
match max message meta method min minute mode model module month more name names new next node
none note now null number object offset ok old on one only open option options order other out
output owner page param params parent parse part pass password path pattern payload peer
pending per phone place plan point policy pool port post prefix prev price print private
process product profile progress project prop props public push query queue range rate raw
read reason record ref reference region remote remove render repo report request require
reset resource response result results retry return right role root row rows rule run
runner save scale schema scope score search second section select self send server service
session set settings setup shape short show side sign simple size skip slot sort source
space spec split stack start state status step stop storage store stream string style sub
submit success sum table tag tags target task team temp template term test text then
thread time timeout title to token tokens tool top total track tree true type types unit
up update url use user users util utils valid validate value values version view visible
wait warn warning week when where width window with word work worker write year yes zone
today tomorrow yesterday ready missing unknown request response summary message
expanded collapsed selected checked disabled loading loaded visible open closed
`

// sets holds the lookup tables built once per Mutator.
type sets struct {
	phi      map[string]struct{}
	stems    [][]byte
	infixes  [][]byte
	verbs    map[string]struct{}
	excluded map[string]struct{}
	common   map[string]struct{}
	stdPkgs  map[string]struct{}
	gate     *phiGate // built from phi, stems, infixes and phiPairs
}

func newSets() *sets {
	toSet := func(s string, lower bool) map[string]struct{} {
		f := strings.Fields(s)
		m := make(map[string]struct{}, len(f)*2)
		for _, w := range f {
			m[w] = struct{}{}
			if lower {
				m[strings.ToLower(w)] = struct{}{}
			}
		}
		return m
	}
	s := &sets{
		phi:      toSet(phiWords, false),
		stems:    fieldsBytes(phiStems),
		infixes:  fieldsBytes(phiInfixes),
		verbs:    toSet(fnVerbs, false),
		excluded: toSet(keywordsAndBuiltins, false),
		common:   toSet(commonWords, false),
		stdPkgs:  toSet(stdPackages, false),
	}
	s.gate = newPHIGate(s)
	return s
}

func fieldsBytes(s string) [][]byte {
	var out [][]byte
	for _, f := range strings.Fields(s) {
		out = append(out, []byte(f))
	}
	return out
}

// words splits an identifier into lowercase words: camelCase, PascalCase,
// snake_case, SCREAMING_CASE, acronyms (HTTPServer → http server) and
// letter/digit boundaries (icd10Code → icd 10 code). lower receives the
// lowercased name; the returned pairs index into it. Bytes ≥ 0x80 count as
// lowercase letters.
func words(name string, lower []byte, bounds [][2]int) ([]byte, [][2]int) {
	lower = lower[:0]
	bounds = bounds[:0]
	start := -1
	cls := func(c byte) int { // 0 sep, 1 lower, 2 upper, 3 digit
		switch {
		case c >= 'a' && c <= 'z', c >= 0x80:
			return 1
		case c >= 'A' && c <= 'Z':
			return 2
		case c >= '0' && c <= '9':
			return 3
		}
		return 0
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		k := cls(c)
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		lower = append(lower, c)
		if k == 0 {
			if start >= 0 {
				bounds = append(bounds, [2]int{start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		p := cls(name[i-1])
		split := false
		switch {
		case k == 2 && p == 1: // fooBar
			split = true
		case k == 2 && p == 2 && i+1 < len(name) && cls(name[i+1]) == 1: // HTTPServer: split before S
			split = true
		case (k == 3) != (p == 3): // letter/digit boundary
			split = true
		}
		if split {
			bounds = append(bounds, [2]int{start, i})
			start = i
		}
	}
	if start >= 0 {
		bounds = append(bounds, [2]int{start, len(name)})
	}
	return lower, bounds
}

// scratch is per-session buffer space for word splitting.
type scratch struct {
	lower  []byte
	bounds [][2]int
}

// isPHIWord reports whether one lowercase word is in the PHI vocabulary.
func (s *sets) isPHIWord(w []byte) bool {
	if _, ok := s.phi[string(w)]; ok {
		return true
	}
	if n := len(w); n > 3 && w[n-1] == 's' {
		if _, ok := s.phi[string(w[:n-1])]; ok {
			return true
		}
		if n > 4 && w[n-2] == 'e' {
			if _, ok := s.phi[string(w[:n-2])]; ok {
				return true
			}
		}
	}
	for _, st := range s.stems {
		if bytes.HasPrefix(w, st) {
			return true
		}
	}
	return false
}

// isPHI reports whether an identifier names a PHI or PHI-adjacent concept.
func (s *sets) isPHI(name string, sc *scratch) bool {
	sc.lower, sc.bounds = words(name, sc.lower, sc.bounds)
	lw := sc.lower
	for i, b := range sc.bounds {
		w := lw[b[0]:b[1]]
		if s.isPHIWord(w) {
			return true
		}
		if i > 0 {
			pw := lw[sc.bounds[i-1][0]:sc.bounds[i-1][1]]
			if s.isPair(pw, w) {
				return true
			}
		}
	}
	if len(lw) >= 7 {
		for _, inf := range s.infixes {
			if bytes.Contains(lw, inf) {
				return true
			}
		}
	}
	return false
}

// isPair reports whether two consecutive lowercase words form a PHI phrase.
func (s *sets) isPair(a, b []byte) bool {
	if n := len(b); n > 2 && b[n-1] == 's' {
		b = b[:n-1]
	}
	for _, p := range phiPairs {
		if string(a) == p[0] && string(b) == p[1] {
			return true
		}
	}
	return false
}

// kindOf decides the synthetic kind of a name from the name alone.
func (s *sets) kindOf(name string, sc *scratch) kind {
	sc.lower, sc.bounds = words(name, sc.lower, sc.bounds)
	if len(sc.bounds) > 1 {
		b := sc.bounds[0]
		if _, ok := s.verbs[string(sc.lower[b[0]:b[1]])]; ok {
			return kindFn
		}
	}
	if shapeOf(name) == shapeTitle {
		return kindCls
	}
	return kindVar
}

// identifierShaped reports whether a prose word looks like a code
// identifier rather than an English word: it splits into two or more
// words of letters (camelCase, snake_case, PascalCase compounds).
func (s *sets) identifierShaped(word string, sc *scratch) bool {
	sc.lower, sc.bounds = words(word, sc.lower, sc.bounds)
	n := 0
	for _, b := range sc.bounds {
		if c := sc.lower[b[0]]; c < '0' || c > '9' {
			n++
		}
	}
	return n >= 2
}

// excludedName reports whether a name is a keyword, builtin, standard or
// framework name, or a single common English word.
func (s *sets) excludedName(name string, lang Lang, sc *scratch) bool {
	if _, ok := s.excluded[name]; ok {
		return true
	}
	if _, ok := s.stdPkgs[name]; ok {
		return true
	}
	if lang == LangSQL {
		if _, ok := s.excluded[strings.ToUpper(name)]; ok {
			return true
		}
	}
	if len(name) < 3 {
		return true
	}
	if strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__") {
		return true
	}
	sc.lower, sc.bounds = words(name, sc.lower, sc.bounds)
	letters := 0
	for _, b := range sc.bounds {
		if c := sc.lower[b[0]]; c < '0' || c > '9' {
			letters++
		}
	}
	if letters == 0 {
		return true
	}
	if len(sc.bounds) == 1 {
		b := sc.bounds[0]
		w := sc.lower[b[0]:b[1]]
		if _, ok := s.common[string(w)]; ok {
			return true
		}
		if n := len(w); n > 3 && w[n-1] == 's' { // plurals: codes, items
			if _, ok := s.common[string(w[:n-1])]; ok {
				return true
			}
		}
	}
	return false
}
