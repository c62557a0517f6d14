module github.com/pretense/pretense

go 1.26.8

require (
	github.com/alecthomas/kong v1.17.0
	github.com/petar-dambovaliev/aho-corasick v0.0.0-20250424160509-463d218d4745
	go.yaml.in/yaml/v3 v3.0.6
)
