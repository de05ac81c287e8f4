// Package retry is the engine of smartretry.
package retry
