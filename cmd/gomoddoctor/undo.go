package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/envedit"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/report"
	"github.com/spf13/cobra"
)

// undoFlags are the flags of 'gomoddoctor undo'.
type undoFlags struct {
	force  bool
	dryRun bool
}

const undoLong = `undo restores the GOENV file (the file 'go env -w' writes) from the
backup the last 'gomoddoctor --fix' took before changing it, byte for
byte (or removes the file if --fix created it), and shows the change.
Run it again to undo the --fix before that.

It refuses when the file was changed after that --fix (by hand or by
'go env -w'), since undoing would lose that change; --force restores the
backup anyway, saving the current file next to the backups first.

Exit codes: 0 restored; 1 nothing to undo, or refused; 2 usage error.`

func newUndoCmd(s streams) *cobra.Command {
	var f undoFlags
	cmd := &cobra.Command{
		Use:   "undo",
		Short: "Restore the GOENV file from the backup of the last 'gomoddoctor --fix'",
		Long:  undoLong,
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return exitCode(runUndo(cmd.Context(), s, f))
		},
	}
	cmd.Flags().BoolVar(&f.force, "force", false, "restore the backup even if the file changed after the --fix")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "show what undo would restore, and stop")
	return cmd
}

// runUndo restores the GOENV file and returns the exit code.
func runUndo(ctx context.Context, s streams, f undoFlags) int {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	file, err := goenv.EnvFile(ctx, s.environ)
	if err != nil {
		fmt.Fprintf(s.out, "gomoddoctor undo: %v\n", err)
		return checks.ExitFail
	}
	if file == "" {
		fmt.Fprintln(s.out, "GOENV=off: there is no GOENV file, so nothing to undo.")
		return checks.ExitFail
	}
	u, err := envedit.Undo(ctx, file, f.force, f.dryRun, 0)
	switch {
	case errors.Is(err, envedit.ErrNoBackup):
		if u != nil && u.Discarded > 0 {
			if f.dryRun {
				fmt.Fprintf(s.out, "Dry run: undo would drop %s of --fix runs stopped before they changed %s; nothing was changed.\n", report.Plural(u.Discarded, "backup"), file)
			} else {
				fmt.Fprintf(s.out, "Dropped %s of --fix runs stopped before they changed %s.\n", report.Plural(u.Discarded, "backup"), file)
			}
		}
		fmt.Fprintf(s.out, "Nothing to undo: 'gomoddoctor --fix' has no backup of %s.\n", file)
		return checks.ExitFail
	case err != nil:
		fmt.Fprintf(s.out, "gomoddoctor undo: %s\n", checks.SanitizeText(checks.RedactString(err.Error())))
		return checks.ExitFail
	}
	if d := u.Diff(); d != "" {
		fmt.Fprint(s.out, checks.SanitizeText(checks.RedactString(d)))
	}
	when := u.Backup.Time.Local().Format(time.DateTime)
	switch {
	case f.dryRun:
		fmt.Fprintf(s.out, "Dry run: undo would restore %s as it was before the --fix of %s.\n", file, when)
		if u.Discarded > 0 {
			fmt.Fprintf(s.out, "(It would drop %s of --fix runs stopped before they changed the file.)\n", report.Plural(u.Discarded, "backup"))
		}
		return checks.ExitOK
	case u.Backup.Existed:
		fmt.Fprintf(s.out, "Restored %s as it was before the --fix of %s.\n", file, when)
	default:
		fmt.Fprintf(s.out, "Removed %s: there was none before the --fix of %s.\n", file, when)
	}
	if u.Saved != "" {
		fmt.Fprintf(s.out, "The file as it was before this undo is saved in %s.\n", u.Saved)
	}
	if u.Discarded > 0 {
		fmt.Fprintf(s.out, "(Dropped %s of --fix runs stopped before they changed the file.)\n", report.Plural(u.Discarded, "backup"))
	}
	return checks.ExitOK
}
