// Package archtest holds the test that keeps pretense's layering true: each
// package sits on a floor and imports only packages on lower floors, as
// docs/architecture.md draws it. A new package fails the test until it is
// given a floor here and in the document; an import that climbs a floor, or
// production code importing a test helper, fails CI.
package archtest
