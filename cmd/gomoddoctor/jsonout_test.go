package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gomoddoctor/gomoddoctor/report/schema/schematest"
)

// jsonOutEnv names the directory where the scripts' gomoddoctor keeps a
// copy of every JSON document it prints, for validateJSONOutputs: every
// --json, explain --json, run --json, diff --json and checks --json output
// of every script is validated against its JSON Schema, whether or not
// the script asks for it.
const jsonOutEnv = "GOMODDOCTOR_TEST_JSON_OUT"

// jsonValidated counts the JSON outputs of the scripts validated.
var jsonValidated atomic.Int64

// mainRecordingJSON runs Main with its standard output streamed through
// unchanged and, when it was one JSON object, copied under $jsonOutEnv.
func mainRecordingJSON() int {
	dir := os.Getenv(jsonOutEnv)
	if dir == "" {
		return Main()
	}
	real := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		return Main()
	}
	os.Stdout = w
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(io.MultiWriter(real, &buf), r)
	}()
	code := Main()
	w.Close()
	<-done
	os.Stdout = real
	if isJSONObject(buf.Bytes()) {
		name := filepath.Join(dir, fmt.Sprintf("%d-%d.json", time.Now().UnixNano(), os.Getpid()))
		os.WriteFile(name, buf.Bytes(), 0o644)
	}
	return code
}

// isJSONObject reports whether data is exactly one JSON object.
func isJSONObject(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var v map[string]any
	if dec.Decode(&v) != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

// recordJSONOutputs points the script's gomoddoctor at a directory of
// its own, and validates what it kept there when the script ends.
func recordJSONOutputs(e *testscript.Env) error {
	dir := e.WorkDir + ".json"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	e.Setenv(jsonOutEnv, dir)
	e.Defer(func() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			e.T().Fatal(err)
		}
		for _, de := range entries {
			data, err := os.ReadFile(filepath.Join(dir, de.Name()))
			if err != nil {
				e.T().Fatal(err)
			}
			name, err := schematest.Validate(data)
			if err != nil {
				e.T().Fatal(fmt.Sprintf("a JSON output of gomoddoctor does not follow %s: %v\n%s", name, err, data))
			}
			jsonValidated.Add(1)
		}
		os.RemoveAll(dir)
	})
	return nil
}
