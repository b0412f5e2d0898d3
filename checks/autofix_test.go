package checks

// The checks' tests run with undeclared automatic fixes as errors of
// their check (Check.AutoFix).
func init() { strictAutoFixTests = true }
