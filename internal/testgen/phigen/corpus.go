package phigen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Planted is one PHI value the corpus holds on purpose, and the rule that
// must report it.
type Planted struct {
	Path   string
	RuleID string
	Value  string
}

// File is one generated file, its path relative to the corpus root.
type File struct {
	Path    string
	Content string
}

// Corpus is a labelled set of files: every value in Planted must be found
// by its rule; nothing else in the files is PHI (Decoys counts the values
// placed to tempt a scanner: failed checksums, never-issued SSNs, fiction
// phone numbers, example domains, documentation IPs, timestamps, order
// numbers, versions, visit dates and schema-only lines).
type Corpus struct {
	Files   []File
	Planted []Planted
	Decoys  int
}

// WriteTo writes the corpus files under dir.
func (c *Corpus) WriteTo(dir string) error {
	for _, f := range c.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write corpus: %w", err)
		}
		if err := os.WriteFile(p, []byte(f.Content), 0o644); err != nil {
			return fmt.Errorf("write corpus: %w", err)
		}
	}
	return nil
}

type builder struct {
	g    *Gen
	c    *Corpus
	path string
	b    strings.Builder
}

// p plants value v for rule and returns it.
func (f *builder) p(rule, v string) string {
	f.c.Planted = append(f.c.Planted, Planted{Path: f.path, RuleID: rule, Value: v})
	return v
}

// d counts a decoy and returns it.
func (f *builder) d(v string) string {
	f.c.Decoys++
	return v
}

func (f *builder) line(format string, args ...any) { fmt.Fprintf(&f.b, format+"\n", args...) }

// Corpus generates n files of each kind: TypeScript, Python, Go and Java
// fixtures, FHIR JSON, YAML seeds, CSV exports, SQL seeds, clinical notes,
// HL7 v2 ADT messages, Markdown runbooks with patient tables, and the
// settings files of a healthcare app, where PHI labels name counts,
// lengths, formats, masks and ids that are no PHI, and shop orders whose
// customer contact data is personal but not health information.
func (g *Gen) Corpus(n int) *Corpus {
	c := &Corpus{}
	kinds := []struct {
		path string
		fn   func(*builder)
	}{
		{"web/src/fixtures/patient_%d.fixture.ts", (*builder).typescript},
		{"services/intake/tests/test_intake_%d.py", (*builder).python},
		{"internal/claims/claims_%d_test.go", (*builder).golang},
		{"app/src/test/java/org/clinic/PatientFixture%d.java", (*builder).java},
		{"testdata/fhir/patient-%d.json", (*builder).fhirJSON},
		{"seeds/patients_%d.yaml", (*builder).yamlSeed},
		{"exports/patients_%d.csv", (*builder).csv},
		{"db/seeds/%03d_patients.sql", (*builder).sql},
		{"notes/visit_%d.txt", (*builder).note},
		{"interfaces/adt/a01_%d.hl7", (*builder).hl7},
		{"docs/runbook_%d.md", (*builder).markdown},
		{"config/records_%d.yaml", (*builder).settings},
		{"shop/testdata/order_%d.json", (*builder).order},
	}
	for i := range n {
		for _, k := range kinds {
			f := &builder{g: g, c: c, path: fmt.Sprintf(k.path, i)}
			k.fn(f)
			c.Files = append(c.Files, File{Path: f.path, Content: f.b.String()})
		}
	}
	return c
}

func (f *builder) typescript() {
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	f.line("// Intake form fixture (synthetic test data).")
	f.line("export interface PatientRecord {")
	f.line("  mrn: string;")
	f.line("  dateOfBirth: Date;")
	f.line("  memberId?: string;")
	f.line("  ssn: string;")
	f.line("}")
	f.line("")
	f.line("export const patient: PatientRecord = {")
	f.line("  %s: %q,", g.pick([]string{"mrn", "medicalRecordNumber", "patientId", "mrnNumber"}), f.p("phi-mrn", g.MRN()))
	f.line("  %s: %q,", g.pick([]string{"firstName", "givenName", "first_name"}), f.p("phi-patient-name", given))
	f.line("  %s: %q,", g.pick([]string{"lastName", "familyName", "surname"}), f.p("phi-patient-name", family))
	if g.r.IntN(2) == 0 {
		f.line("  dateOfBirth: new Date(%q),", f.p("phi-date-of-birth", dob.ISO()))
	} else {
		f.line("  %s: %q,", g.pick([]string{"dob", "birthDate", "birthdate"}), f.p("phi-date-of-birth", dob.US()))
	}
	f.line("  ssn: %q,", f.p("phi-ssn", g.SSN()))
	f.line("  phone: %q,", f.p("phi-phone", g.Phone()))
	f.line("  email: %q,", f.p("phi-email", g.Email(given, family)))
	f.line("  memberId: %q,", f.p("phi-health-plan-member-id", g.MemberID()))
	f.line("  createdAt: %q,", f.d(g.ISOTime()))
	f.line("  orderNumber: %q,", f.d(g.Order()))
	f.line("  sdkVersion: %q,", f.d(g.Version()))
	f.line("};")
	f.line("")
	f.line("export const invalidPatient = { ...patient, ssn: %q, phone: %q, email: %q };", f.d(g.InvalidSSN()), f.d(g.FictionPhone()), f.d(g.ExampleEmail()))
	f.line("export const retryAfterMs = %s;", f.d(g.Timestamp()))
	f.line("export const fetchPatient = (mrn: string) => api.get(`/patients/${mrn}`);")
}

func (f *builder) python() {
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	f.line("\"\"\"Tests for the intake service, using synthetic patients.\"\"\"")
	f.line("import pytest")
	f.line("")
	f.line("PATIENT = {")
	f.line("    \"patient_name\": %q,", f.p("phi-patient-name", given+" "+family))
	f.line("    %q: %q,", g.pick([]string{"dob", "date_of_birth", "birth_date", "DOB"}), f.p("phi-date-of-birth", g.pick([]string{dob.US(), dob.ISO(), dob.Long()})))
	f.line("    \"mrn\": %q,", f.p("phi-mrn", g.MRN()))
	f.line("    \"ssn\": %q,", f.p("phi-ssn-unformatted", g.SSNDigits()))
	f.line("    \"zip\": %q,", f.p("phi-zip", g.ZIP()))
	f.line("    \"appointment_date\": %q,", f.d(g.VisitDate().ISO()))
	f.line("    \"request_id\": %q,", f.d(g.Order()))
	f.line("}")
	f.line("")
	f.line("PROVIDER = {\"npi\": %q, \"dea_number\": %q}", f.p("phi-npi", g.NPI()), f.p("phi-dea", g.DEA()))
	f.line("BAD_PROVIDER = {\"npi\": %q, \"dea_number\": %q}", f.d(g.BadNPI()), f.d(g.BadDEA()))
	f.line("")
	f.line("def test_lookup_by_member(client):")
	f.line("    resp = client.get(\"/members\", params={\"member_id\": %q})", f.p("phi-health-plan-member-id", g.MemberID()))
	f.line("    assert resp.status_code == 200")
	f.line("    assert resp.json()[\"created\"] == %s", f.d(g.Timestamp()))
	f.line("")
	f.line("def test_schema_only(db):")
	f.line("    db.execute(\"SELECT mrn, dob FROM patients WHERE member_id = ?\", (member_id,))")
	f.line("    assert PATIENT[\"ssn\"] is not None  # ssn: str")
}

func (f *builder) golang() {
	g := f.g
	dob := g.DOB()
	f.line("package claims")
	f.line("")
	f.line("import (\n\t\"testing\"\n\t\"time\"\n)")
	f.line("")
	f.line("// Patient is the claim subject. Fields: MRN string, DOB time.Time.")
	f.line("type Patient struct {\n\tMRN         string\n\tDOB         string\n\tMedicareMBI string\n}")
	f.line("")
	f.line("var fixture = Patient{")
	f.line("\tMRN:         %q,", f.p("phi-mrn", g.MRN()))
	f.line("\tDOB:         %q,", f.p("phi-date-of-birth", dob.ISO()))
	f.line("\tMedicareMBI: %q,", f.p("phi-medicare-mbi", g.MBI()))
	f.line("}")
	f.line("")
	f.line("var prescriber = Provider{NPI: %q, DEA: %q}", f.p("phi-npi", g.NPI()), f.p("phi-dea", g.DEA()))
	f.line("")
	f.line("const (\n\tbuildNumber = %s\n\tport        = 8080\n\ttimeout     = 30 * time.Second\n)", f.d(g.Timestamp()))
	f.line("")
	f.line("func TestClaim(t *testing.T) {")
	f.line("\tc := Claim{Patient: fixture, HICN: %q, ServiceDate: %q}", f.p("phi-medicare-hicn", g.HICN()), f.d(g.VisitDate().ISO()))
	f.line("\tc.AccountNumber = %q", f.p("phi-account-number", g.Account()))
	f.line("\tc.InvoiceNumber = %q", f.d(g.Order()))
	f.line("\tif err := c.Validate(); err != nil {\n\t\tt.Fatal(err)\n\t}")
	f.line("}")
}

func (f *builder) java() {
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	f.line("package org.clinic;")
	f.line("")
	f.line("import java.time.LocalDate;")
	f.line("")
	f.line("class PatientFixture {")
	f.line("    @Column(name = \"member_id\") private String memberId;")
	f.line("    @Column(name = \"date_of_birth\") private LocalDate dateOfBirth;")
	f.line("")
	f.line("    static Patient sample() {")
	f.line("        return Patient.builder()")
	f.line("            .mrn(%q)", f.p("phi-mrn", g.MRN()))
	f.line("            .patientName(%q)", f.p("phi-patient-name", given+" "+family))
	f.line("            .dateOfBirth(LocalDate.parse(%q))", f.p("phi-date-of-birth", dob.ISO()))
	f.line("            .subscriberId(%q)", f.p("phi-health-plan-member-id", g.MemberID()))
	f.line("            .accountNumber(%q)", f.p("phi-account-number", g.Account()))
	f.line("            .itin(%q)", f.p("phi-itin", g.ITIN()))
	f.line("            .build();")
	f.line("    }")
	f.line("")
	f.line("    static final long ORDER_ID = %sL;", f.d(g.Order()))
	f.line("    static final String API_VERSION = %q;", f.d(g.Version()))
	f.line("    static final String DISCHARGE_DATE = %q;", f.d(g.VisitDate().ISO()))
	f.line("}")
}

func (f *builder) fhirJSON() {
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	f.line("{")
	f.line("  \"resourceType\": \"Patient\",")
	f.line("  \"id\": \"example-%s\",", g.digits(3))
	f.line("  \"meta\": {\"versionId\": \"%s\", \"lastUpdated\": %q},", f.d(g.Version()), f.d(g.ISOTime()))
	f.line("  \"identifier\": [")
	f.line("    {\"system\": \"http://hl7.org/fhir/sid/us-ssn\", \"value\": %q},", f.p("phi-ssn-unformatted", g.SSNDigits()))
	f.line("    {\"system\": \"http://hospital.org/mrn\", \"value\": %q},", f.p("phi-mrn", g.MRN()))
	f.line("    {\"system\": \"http://hl7.org/fhir/sid/us-mbi\", \"value\": %q}", f.p("phi-medicare-mbi", g.MBI()))
	f.line("  ],")
	f.line("  \"name\": [{\"family\": %q, \"given\": [%q]}],", f.p("phi-patient-name", family), f.p("phi-patient-name", given))
	f.line("  \"telecom\": [")
	f.line("    {\"system\": \"phone\", \"value\": %q},", f.p("phi-phone", g.Phone()))
	f.line("    {\"system\": \"email\", \"value\": %q}", f.p("phi-email", g.Email(given, family)))
	f.line("  ],")
	f.line("  \"birthDate\": %q,", f.p("phi-date-of-birth", dob.ISO()))
	f.line("  \"address\": [{\"line\": [%q], \"city\": %q, \"postalCode\": %q}],", f.p("phi-street-address", g.Street()), f.p("phi-city", "Springfield"), f.p("phi-zip", g.ZIP()))
	f.line("  \"generalPractitioner\": [{\"identifier\": {\"system\": \"http://hl7.org/fhir/sid/us-npi\", \"value\": %q}}]", f.p("phi-npi", g.NPI()))
	f.line("}")
}

func (f *builder) yamlSeed() {
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	f.line("# Seed data for the staging database (synthetic).")
	f.line("patients:")
	if g.r.IntN(2) == 0 {
		f.line("  - mrn: %q", f.p("phi-mrn", g.MRN()))
	} else {
		f.line("  - medical_record:")
		f.line("      system: urn:hospital:%s", g.pick(identWords))
		f.line("      value: %q", f.p("phi-mrn", g.MRN()))
	}
	f.line("    name: %s", f.p("phi-patient-name", given+" "+family))
	f.line("    dob: %s", f.p("phi-date-of-birth", dob.ISO()))
	f.line("    member_id: %s", f.p("phi-health-plan-member-id", g.MemberID()))
	f.line("    phone: %q", f.p("phi-phone", g.Phone()))
	f.line("    emergency_contact_phone: %q", f.d(g.FictionPhone()))
	f.line("    created: %s", f.d(g.ISOTime()))
	f.line("    insurance:")
	f.line("      plan: Gold PPO")
	f.line("      group_number: %s", f.d(g.Order()))
	f.line("      subscriber_id: %s", f.p("phi-health-plan-member-id", g.MemberID()))
	f.line("    portal:")
	f.line("      last_login_ip: %s", f.d(g.DocIP()))
	f.line("      client_ip: %s", f.p("phi-ip-address", g.IP()))
	f.line("schema:")
	f.line("  mrn: string")
	f.line("  dateOfBirth: date")
	f.line("  member_id: string")
	f.line("release: %s", f.d(g.Version()))
}

func (f *builder) csv() {
	g := f.g
	f.line("patient_id,first_name,last_name,dob,ssn,phone,zip,visit_date,order_number")
	for range 5 {
		given, family := g.Name()
		f.line("%s,%s,%s,%s,%s,%s,%s,%s,%s",
			f.p("phi-mrn", g.MRN()), f.p("phi-patient-name", given), f.p("phi-patient-name", family),
			f.p("phi-date-of-birth", g.DOB().ISO()), f.p("phi-ssn", g.SSN()), f.p("phi-phone", g.Phone()),
			f.p("phi-zip", g.ZIP()), f.d(g.VisitDate().US()), f.d(g.Order()))
	}
}

func (f *builder) sql() {
	g := f.g
	f.line("-- Seed patients for integration tests (synthetic).")
	f.line("CREATE TABLE patients (mrn VARCHAR(20) PRIMARY KEY, first_name TEXT, last_name TEXT, date_of_birth DATE, member_id VARCHAR(32), account_number VARCHAR(20));")
	f.line("INSERT INTO patients (mrn, first_name, last_name, date_of_birth, member_id, account_number) VALUES")
	for i := range 3 {
		given, family := g.Name()
		sep := ","
		if i == 2 {
			sep = ";"
		}
		f.line("  ('%s', '%s', '%s', '%s', '%s', '%s')%s",
			f.p("phi-mrn", g.MRN()), f.p("phi-patient-name", given), f.p("phi-patient-name", sqlQuote(family)),
			f.p("phi-date-of-birth", g.DOB().ISO()), f.p("phi-health-plan-member-id", g.MemberID()),
			f.p("phi-account-number", g.Account()), sep)
	}
	f.line("INSERT INTO orders (order_id, created_at, total) VALUES (%s, '%s', 120);", f.d(g.Order()), f.d(g.VisitDate().ISO()))
	f.line("SELECT * FROM patients WHERE member_id = ? AND date_of_birth = ?;")
	f.line("UPDATE patients SET dob = '%s' WHERE mrn = '%s';", f.p("phi-date-of-birth", g.DOB().ISO()), f.p("phi-mrn", g.MRN()))
}

func (f *builder) note() {
	if f.g.r.IntN(2) == 0 {
		f.noteShort()
		return
	}
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	pg, pf := g.Name()
	f.line("VISIT NOTE (synthetic)")
	f.line("Patient %s, DOB %s, MRN %s, presented with chest pain.", f.p("phi-patient-name", given+" "+family), f.p("phi-date-of-birth", dob.US()), f.p("phi-mrn", g.MRN()))
	f.line("Insurance: member ID %s; Medicare MBI %s.", f.p("phi-health-plan-member-id", g.MemberID()), f.p("phi-medicare-mbi", g.MBI()))
	f.line("Contact: phone %s, email %s. Lives at %s, Springfield, ZIP %s.", f.p("phi-phone", g.Phone()), f.p("phi-email", g.Email(given, family)), f.p("phi-street-address", g.Street()), f.p("phi-zip", g.ZIP()))
	f.line("Seen by Dr. %s %s (NPI %s, DEA %s) on %s. Follow-up in 2 weeks.", pg, pf, f.p("phi-npi", g.NPI()), f.p("phi-dea", g.DEA()), f.d(g.VisitDate().US()))
	f.line("SSN on file: %s. Born %s.", f.p("phi-ssn", g.SSN()), f.p("phi-date-of-birth", dob.Long()))
	f.line("Portal login from ip %s, support line %s, order %s.", f.p("phi-ip-address", g.IP()), f.d(g.FictionPhone()), f.d(g.Order()))
	f.line("Rx version %s; lab accession 20%s.", f.d(g.Version()), f.d(g.digits(8)))
}

// sqlQuote doubles single quotes, the escape SQL string literals use.
func sqlQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }

// noteShort is the terse, pipe- and abbreviation-heavy style of triage
// notes and log lines.
func (f *builder) noteShort() {
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	f.line("TRIAGE %s | Name: %s | D.O.B.: %s | MRN#: %s", f.d(g.VisitDate().ISO()), f.p("phi-patient-name", given+" "+family), f.p("phi-date-of-birth", dob.ISO()), f.p("phi-mrn", g.MRN()))
	age := fmt.Sprintf("%d y/o", 20+g.r.IntN(60))
	if g.r.IntN(3) == 0 {
		age = f.p("phi-age-over-89", fmt.Sprintf("%d y/o", 90+g.r.IntN(15)))
	}
	f.line("Pt is a %s, BP 132/84, HR %d, A1c 7.%d%%, room %d, ext. %d.", age, 60+g.r.IntN(40), g.r.IntN(10), 100+g.r.IntN(900), 1000+g.r.IntN(9000))
	f.line("Subscriber ID: %s (group number %s). Claim ID %s.", f.p("phi-health-plan-member-id", g.MemberID()), f.d(g.Order()), f.d(g.Timestamp()+g.digits(3)))
	f.line("Callback number %s; fax %s.", f.p("phi-phone", g.Phone()), f.d(g.FictionPhone()))
	f.line("Guarantor acct no. %s, invoice %s, SSN %s.", f.p("phi-account-number", g.Account()), f.d(g.Order()), f.d(g.InvalidSSN()))
	f.line("Referring NPI %s (bad check digit %s); order #%s; app v%s.", f.p("phi-npi", g.NPI()), f.d(g.BadNPI()), f.d(g.Order()), f.d(g.Version()))
	f.line("2024-0%d-1%d 10:22:31 INFO request_id=%s patient_id=%s ip=%s", 1+g.r.IntN(9), g.r.IntN(10), f.d(g.Order()), f.p("phi-mrn", g.MRN()), f.d(g.DocIP()))
}

// hl7 writes an HL7 v2 ADT^A01 message: the PID field number says what a
// value is.
func (f *builder) hl7() {
	g := f.g
	given, family := g.Name()
	dob := g.DOB()
	visit := g.VisitDate()
	f.line("MSH|^~\\&|ADT|HOSP|LAB|HOSP|%s1200||ADT^A01|%s|P|2.5", f.d(visit.Compact()), f.d(g.Order()))
	f.line("EVN|A01|%s1200", f.d(visit.Compact()))
	f.line("PID|1||%s^^^HOSP^MR||%s||%s|F|||%s^^%s^IL^%s||%s|||||%s|%s|",
		f.p("phi-mrn", g.MRN()), f.p("phi-patient-name-hl7", strings.ToUpper(family)+"^"+strings.ToUpper(given)), f.p("phi-date-of-birth", dob.Compact()),
		f.p("phi-street-address", g.Street()), f.p("phi-city", "SPRINGFIELD"), f.p("phi-zip", g.ZIP()), f.p("phi-phone", g.Phone()),
		f.p("phi-account-number", g.Account()), f.p("phi-ssn-unformatted", g.SSNDigits()))
	f.line("PV1|1|I|WARD^%d^1||||%s^REYES^ALAN|||MED||||||||%s|||||||||||||||||||||||||%s123000", 100+g.r.IntN(400), f.p("phi-npi", g.NPI()), f.d(g.Order()), f.d(visit.Compact()))
}

// markdown writes a runbook: prose that names PHI fields without values,
// version and release decoys, and a pipe table of patients.
func (f *builder) markdown() {
	g := f.g
	f.line("# Intake runbook (synthetic data)")
	f.line("")
	f.line("Look patients up by the `mrn` field, e.g. `GET /patients/{mrn}`; never log the `dob` or `ssn`.")
	f.line("Released as version %s on %s, build %s.", f.d(g.Version()), f.d(g.VisitDate().ISO()), f.d(g.Timestamp()))
	f.line("")
	f.line("| MRN | Patient name | DOB | Member ID | Visit date |")
	f.line("|-----|--------------|-----|-----------|------------|")
	for range 3 {
		given, family := g.Name()
		f.line("| %s | %s | %s | %s | %s |", f.p("phi-mrn", g.MRN()), f.p("phi-patient-name", given+" "+family),
			f.p("phi-date-of-birth", g.DOB().US()), f.p("phi-health-plan-member-id", g.MemberID()), f.d(g.VisitDate().ISO()))
	}
	f.line("")
	f.line("Escalate to the on-call line at %s.", f.d(g.FictionPhone()))
}

// settings writes application configuration whose keys are PHI labels
// but whose values are not PHI: lengths, counts, formats, masks, cloud
// account ids, ports, timeouts, and one planted value among them.
func (f *builder) settings() {
	g := f.g
	f.line("# Records service settings")
	f.line("records:")
	f.line("  mrn_length: 10")
	f.line("  mrn_prefix: \"MR\"")
	f.line("  mrn_sequence_start: %s", f.d(g.Order()))
	f.line("  dob_format: \"YYYY-MM-DD\"")
	f.line("  ssn_mask: \"XXX-XX-%s\"", g.digits(4))
	f.line("  npi_registry_timeout_ms: %d", 1000+g.r.IntN(9000))
	f.line("  member_count_limit: %s", f.d(g.Order()))
	f.line("  aws_account_id: \"%s\"", f.d("4"+g.digits(11)))
	f.line("  account_id: %s", f.d(g.Order()))
	f.line("  provider_cache_ttl: %d", 60+g.r.IntN(3600))
	f.line("  phone_retry_delay: %s", f.d(g.Timestamp()))
	f.line("  zip_archive_max_bytes: %d", 10000000+g.r.IntN(90000000))
	f.line("  birth_date_min_year: 1900")
	f.line("  release_date: %s", f.d(g.VisitDate().ISO()))
	f.line("  dea_schedule_version: %s", f.d(g.Version()))
	f.line("  test_patient:")
	f.line("    mrn: %q  # synthetic fixture patient", f.p("phi-mrn", g.MRN()))
}

// order writes an e-commerce order: a customer's name, email, phone and
// address with no patient anywhere. Personal data, but not PHI, so every
// value is a decoy for the contact rules, which need patient context.
func (f *builder) order() {
	g := f.g
	given, family := g.Name()
	f.line("{")
	f.line("  \"order_id\": %s,", f.d(g.Order()))
	f.line("  \"created_at\": %q,", f.d(g.ISOTime()))
	f.line("  \"customer\": {")
	f.line("    \"first_name\": %q,", f.d(given))
	f.line("    \"last_name\": %q,", f.d(family))
	f.line("    \"email\": %q,", f.d(g.Email(given, family)))
	f.line("    \"phone\": %q,", f.d(g.Phone()))
	f.line("    \"address\": {\"line1\": %q, \"zip\": %q}", f.d(g.Street()), f.d(g.ZIP()))
	f.line("  },")
	f.line("  \"items\": [{\"sku\": \"SKU-%s\", \"qty\": %d}]", f.d(g.digits(8)), 1+g.r.IntN(5))
	f.line("}")
}
