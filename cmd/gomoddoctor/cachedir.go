package main

import (
	"path/filepath"
	"runtime"
)

// cacheEnv names the variable that moves the doctor's own cache
// directory, or turns it off ("off"): then nothing is remembered
// between runs.
const cacheEnv = "GOMODDOCTOR_CACHE"

// doctorCacheDir is where the doctor remembers work between runs: $GOMODDOCTOR_CACHE,
// else gomoddoctor in the user's cache directory (os.UserCacheDir's
// rule, read from the streams' environment); "" when there is none.
func doctorCacheDir(s streams) string {
	switch v := s.getenv(cacheEnv); {
	case v == "off":
		return ""
	case v != "":
		if !filepath.IsAbs(v) {
			return ""
		}
		return v
	}
	var base string
	switch runtime.GOOS {
	case "windows":
		base = s.getenv("LocalAppData")
	case "darwin", "ios":
		if h := s.getenv("HOME"); h != "" {
			base = filepath.Join(h, "Library", "Caches")
		}
	case "plan9":
		if h := s.getenv("home"); h != "" {
			base = filepath.Join(h, "lib", "cache")
		}
	default:
		base = s.getenv("XDG_CACHE_HOME")
		if !filepath.IsAbs(base) {
			base = ""
			if h := s.getenv("HOME"); h != "" {
				base = filepath.Join(h, ".cache")
			}
		}
	}
	if !filepath.IsAbs(base) {
		return ""
	}
	return filepath.Join(base, "gomoddoctor")
}
