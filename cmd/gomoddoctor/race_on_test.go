//go:build race

package main

// raceBuild: the tests run with -race, and so does every copy of this
// test binary they start as gomoddoctor, several times slower.
const raceBuild = true
