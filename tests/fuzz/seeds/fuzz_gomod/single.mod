module example.com/x

go 1.16

require github.com/a/b v1.0.0 // indirect
replace github.com/a/b => ../b
