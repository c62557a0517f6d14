// Package gitleaksconf reads a gitleaks configuration (.gitleaks.toml) and
// a .gitleaksignore file, so a team that switches from gitleaks keeps its
// custom rules, allowlists and ignored fingerprints.
//
// gitleaks' semantics are mapped onto pretense's in two places:
//
//   - at match time (a rules.Rule with AsWritten and a Filter): the regex
//     runs over the whole input when a keyword occurs (or always, without
//     keywords); the secret is the secretGroup, or else the first non-empty
//     group; the entropy floor is exclusive (entropy <= floor drops); the
//     regexes and stopwords of the allowlists (targets secret, match, line)
//     and the gitleaks:allow marker drop a match; the finding is located at
//     the start of the regex match, as gitleaks locates it, so
//     .gitleaksignore line numbers agree;
//   - after the scan (Config.Filter): what needs the file path or the
//     commit — a rule's path regex, allowlist paths and commits (alone, or
//     with regexes under condition AND), and .gitleaksignore fingerprints.
//
// What gitleaks can express and pretense cannot is refused with an error
// that names the field (the CLI exits 2): unknown keys, [extend] url,
// path-only rules, [[rules.required]] composite rules and skipReport.
// Nothing is silently dropped.
package gitleaksconf
