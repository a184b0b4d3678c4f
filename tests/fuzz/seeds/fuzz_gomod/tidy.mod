module example.com/app

go 1.21

toolchain go1.21.5

godebug default=go1.21

require (
	github.com/BurntSushi/toml v1.3.2
	github.com/old/lib v1.0.0
	example.com/local v0.0.0-00010101000000-000000000000
	golang.org/x/crypto v0.17.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	golang.org/x/sys v0.15.0 // indirect; used by crypto
	gopkg.in/yaml.v3 v3.0.1 // not indirect
)

require "github.com/quoted/mod" `v2.0.0+incompatible` // indirect

replace github.com/old/lib v1.0.0 => github.com/new/lib v1.1.0

replace (
	example.com/local => ../local
	golang.org/x/sys => golang.org/x/sys v0.16.0
	golang.org/x/sys v0.15.0 => golang.org/x/sys v0.15.1
)

exclude golang.org/x/net v0.1.0

retract (
	v1.0.1 // published by mistake
	[v1.2.0, v1.2.3]
)

tool golang.org/x/tools/cmd/stringer
