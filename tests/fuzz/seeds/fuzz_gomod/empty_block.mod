module m
require ()
exclude (
	x v1
)
