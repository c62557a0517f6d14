package rules

import "testing"

func TestIdentifierValidators(t *testing.T) {
	check := func(name string, f CheckFunc, v string) bool {
		c := &CheckContext{Value: v, Data: []byte(v), End: len(v)}
		return f(c)
	}
	cases := []struct {
		name string
		f    CheckFunc
		v    string
		want bool
	}{
		// The worked example of 49 CFR 565 guides: check digit X.
		{"vin", checkVIN, "1M8GDM9AXKP042788", true},           // pretense:allow
		{"vin", checkVIN, "1M8GDM9A1KP042788", false},          // wrong check digit // pretense:allow
		{"vin", checkVIN, "1M8GDM9AXKP04278O", false},          // O is never used // pretense:allow
		{"vin", checkVIN, "11111111111111111", false},          // no letters // pretense:allow
		{"udi", checkUDI, "(01)00847302916154(21)SN1", true},   // pretense:allow
		{"udi", checkUDI, "(01)00847302916155", false},         // pretense:allow
		{"udi", checkUDI, "00847302916154", false},             // no (01) application identifier // pretense:allow
		{"dl", checkDriversLicense, "D1234560", true},          // pretense:allow
		{"dl", checkDriversLicense, "S99941228", true},         // pretense:allow
		{"dl", checkDriversLicense, "A123-456-78-901-0", true}, // pretense:allow
		{"dl", checkDriversLicense, "1234567", false},          // ascending placeholder // pretense:allow
		{"dl", checkDriversLicense, "ABCDEFGH", false},         // pretense:allow
		{"passport", checkPassport, "X51022871", true},         // pretense:allow
		{"passport", checkPassport, "540122871", true},         // pretense:allow
		{"passport", checkPassport, "X51022871X", false},       // pretense:allow
		{"passport", checkPassport, "000000000", false},        // pretense:allow
	}
	for _, c := range cases {
		if got := check(c.name, c.f, c.v); got != c.want {
			t.Errorf("%s(%q) = %v, want %v", c.name, c.v, got, c.want)
		}
	}
}
