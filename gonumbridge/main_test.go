package gonumbridge

import (
	"os"
	"testing"
	"time"

	"github.com/ndview/ndview"
)

// TestMain shortens the release timeout: a refusal (a view or pin the test keeps) then costs
// 20 ms, not a second.
func TestMain(m *testing.M) {
	ndview.SetReleaseTimeout(20 * time.Millisecond)
	os.Exit(m.Run())
}
