//go:build !race

package main

// raceBuild: the tests run with -race (see race_on_test.go).
const raceBuild = false
