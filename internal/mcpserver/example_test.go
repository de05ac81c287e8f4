package mcpserver_test

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/smartretry/smartretry/internal/mcpserver"
)

// A client lists the tools; nothing starts a browser until a tool is called.
func Example() {
	ctx := context.Background()
	srv := mcpserver.New(mcpserver.Config{})
	st, ct := mcp.NewInMemoryTransports()
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, st) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "agent", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	n := 0
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if tool.Name == "browser_click" || tool.Name == "browser_extract" {
			fmt.Println(tool.Name)
		}
		n++
	}
	fmt.Println(n, "tools")
	_ = cs.Close()
	fmt.Println(<-done)
	// Output:
	// browser_click
	// browser_extract
	// 25 tools
	// <nil>
}
