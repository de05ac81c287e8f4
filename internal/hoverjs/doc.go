// Package hoverjs holds the in-page reader of the style rules that show an element while another
// is hovered ('li:hover .destroy { display: block }'), shared by actions' element wait
// (locate.js: the pointer goes over the row first) and the MCP server's snapshot (page.js: such
// controls are listed [on hover]). The reader is a JavaScript function pasted into those scripts
// in place of Slot; Into is safe for concurrent use.
package hoverjs
