// Package results writes a batch's results as JSON Lines and reads them back to resume.
//
// Each item ends in one write: its extracted records (kind "record"), then the item's own line
// (kind "item", status "ok" or "failed" with the error type, attempts, reason and error-snapshot
// path). The write is followed by fsync, so an item whose line is on disk is done, whatever
// happens to the process next.
//
// A process killed in the middle of a write (kill -9, power loss) leaves at most one torn tail:
// a last line without its newline, or records whose item line never made it. Open with resume
// cuts that tail off and reports which items completed, so a rerun skips them: no item is lost,
// none is written twice. Items that failed are run again on resume; their new line comes later
// in the file, and the last line of an item is its state.
package results
