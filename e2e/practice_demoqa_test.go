package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	replica "github.com/smartretry/smartretry/internal/practice"
)

// DemoQA's React pages (internal/practice replicas), driven as a new user would: a Session with
// the default options (10s per attempt, the default engine table; a Manager of its own so other
// tests' failures never meet it) and the first selector that comes to mind.

// demoqa opens a default Session on a fresh DemoQA replica and loads path.
func demoqa(t *testing.T, path string, opts ...actions.Option) (context.Context, *actions.Session, string) {
	t.Helper()
	ctx, s, base := replicaSession(t, replica.DemoQA(), opts...)
	res, err := s.Navigate(ctx, base+path)
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
	return ctx, s, base
}

func text(t *testing.T, ctx context.Context, s *actions.Session, sel string) string {
	t.Helper()
	got, err := s.Text(ctx, sel)
	require.NoError(t, err, sel)
	return got
}

func value(t *testing.T, ctx context.Context, s *actions.Session, sel string) string {
	t.Helper()
	got, err := s.Value(ctx, sel)
	require.NoError(t, err, sel)
	return got
}

// Controlled inputs take what is typed (their state only follows input events); the output
// repeats the inputs' ids; a malformed email is marked and left out.
func TestPractice_DemoQA_TextBox(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/text-box")
	require.NoError(t, s.Fill(ctx, "#userName", "Ada Lovelace"))
	require.NoError(t, s.Fill(ctx, `role=textbox[name="name@example.com"]`, "ada@example.com"))
	require.NoError(t, s.Fill(ctx, "#currentAddress", "12 St James's Square\nLondon"))
	require.NoError(t, s.Fill(ctx, "#permanentAddress", "Ockham Park"))
	require.NoError(t, s.Click(ctx, "#submit"))
	assert.Equal(t, "Name:Ada Lovelace", text(t, ctx, s, "#output #name"))
	assert.Equal(t, "Email:ada@example.com", text(t, ctx, s, "#output #email"))
	assert.Equal(t, "Current Address :12 St James's Square London", text(t, ctx, s, "#output #currentAddress"))
	assert.Equal(t, "Permananet Address :Ockham Park", text(t, ctx, s, "#output #permanentAddress"))
	assert.Equal(t, "Ada Lovelace", value(t, ctx, s, "#userName"))

	require.NoError(t, s.Fill(ctx, "#userEmail", "ada@"))
	require.NoError(t, s.Click(ctx, "#submit"))
	class, _, err := s.Attr(ctx, "#userEmail", "class")
	require.NoError(t, err)
	assert.Contains(t, class, "field-error")
	n, err := s.Count(ctx, "#output #email")
	require.NoError(t, err)
	assert.Zero(t, n, "a malformed email is not shown")
}

// react-checkbox-tree: the inputs are display:none, their labels are clicked; parents follow
// their children.
func TestPractice_DemoQA_CheckBoxTree(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/checkbox")
	require.NoError(t, s.Click(ctx, `button[title="Toggle"]`), "collapsed: only Home's toggle")
	require.NoError(t, s.Check(ctx, "#tree-node-downloads"))
	assert.Equal(t, []string{"downloads", "wordFile", "excelFile"}, selected(t, ctx, s))

	require.NoError(t, s.Click(ctx, `role=button[name="Expand all"]`))
	require.NoError(t, s.Check(ctx, "#tree-node-notes"))
	require.NoError(t, s.Check(ctx, "text=Commands"))
	assert.Equal(t, "true", value(t, ctx, s, "#tree-node-desktop"), "both children: the parent is checked")
	assert.Equal(t, []string{"desktop", "notes", "commands", "downloads", "wordFile", "excelFile"}, selected(t, ctx, s))
	require.NoError(t, s.Uncheck(ctx, "#tree-node-notes"))
	assert.Equal(t, "false", value(t, ctx, s, "#tree-node-desktop"))
	assert.Equal(t, "false", value(t, ctx, s, "#tree-node-notes"))
	assert.Equal(t, []string{"commands", "downloads", "wordFile", "excelFile"}, selected(t, ctx, s))
}

// selected is what the checkbox tree's result lists.
func selected(t *testing.T, ctx context.Context, s *actions.Session) []string {
	t.Helper()
	recs, err := s.Extract(ctx, "#result .text-success", map[string]string{"v": ""})
	require.NoError(t, err)
	var out []string
	for _, r := range recs {
		out = append(out, r["v"])
	}
	return out
}

// Bootstrap's custom radios: the input is transparent under its label; one is disabled.
func TestPractice_DemoQA_RadioButtons(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/radio-button")
	require.NoError(t, s.Check(ctx, "#yesRadio"))
	assert.Equal(t, "Yes", text(t, ctx, s, ".text-success"))
	require.NoError(t, s.Click(ctx, "text=Impressive"))
	assert.Equal(t, "Impressive", text(t, ctx, s, ".text-success"))
	assert.Equal(t, "false", value(t, ctx, s, "#yesRadio"))

	start := time.Now()
	err := s.Check(ctx, "#noRadio")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disabled")
	assert.Less(t, time.Since(start), 15*time.Second, "a disabled radio is not waited for three times over")
	assert.Equal(t, "Impressive", text(t, ctx, s, ".text-success"))
}

// react-table with a Bootstrap modal form: add, edit, delete, search.
func TestPractice_DemoQA_WebTables(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/webtables")
	rows := func() []map[string]string {
		t.Helper()
		recs, err := s.Extract(ctx, ".rt-tbody .rt-tr:not(.-padRow)", map[string]string{
			"first": ".rt-td:nth-child(1)", "age": ".rt-td:nth-child(3)", "salary": ".rt-td:nth-child(5)", "dept": ".rt-td:nth-child(6)"})
		require.NoError(t, err)
		return recs
	}
	require.Len(t, rows(), 3)

	require.NoError(t, s.Click(ctx, "#addNewRecordButton"))
	for sel, v := range map[string]string{"#firstName": "Grace", "#lastName": "Hopper", "#userEmail": "grace@example.com",
		"#age": "85", "#salary": "9000", "#department": "Navy"} {
		require.NoError(t, s.Fill(ctx, sel, v), sel)
	}
	require.NoError(t, s.Click(ctx, "#submit"))
	require.NoError(t, s.WaitForState(ctx, "#userForm", actions.Detached))
	got := rows()
	require.Len(t, got, 4)
	assert.Equal(t, map[string]string{"first": "Grace", "age": "85", "salary": "9000", "dept": "Navy"}, got[3])

	require.NoError(t, s.Click(ctx, "#edit-record-2"))
	require.NoError(t, s.Fill(ctx, "#salary", "15000"))
	require.NoError(t, s.Click(ctx, "#submit"))
	assert.Equal(t, "15000", text(t, ctx, s, "xpath=//div[@role='row'][div[1]='Alden']/div[5]"))

	require.NoError(t, s.Click(ctx, "#delete-record-1"))
	n, err := s.Count(ctx, `text="Cierra"`)
	require.NoError(t, err)
	assert.Zero(t, n)

	require.NoError(t, s.Fill(ctx, "#searchBox", "legal"))
	got = rows()
	require.Len(t, got, 1)
	assert.Equal(t, "Kierra", got[0]["first"])

	// A record the form refuses: the modal stays open, nothing is added.
	require.NoError(t, s.Fill(ctx, "#searchBox", ""))
	require.NoError(t, s.Click(ctx, "#addNewRecordButton"))
	require.NoError(t, s.Fill(ctx, "#firstName", "Nobody"))
	require.NoError(t, s.Click(ctx, "#submit"))
	require.NoError(t, s.WaitFor(ctx, "#userForm.was-validated"))
	require.NoError(t, s.Click(ctx, "text=Close"), "the × button, by its screen-reader text")
	require.NoError(t, s.WaitForState(ctx, "#userForm", actions.Detached))
	assert.Len(t, rows(), 3)
}

// Double click, right click, and a "Click Me" button whose id changes on every load, beside
// "Double Click Me" and "Right Click Me".
func TestPractice_DemoQA_Buttons(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/buttons")
	require.NoError(t, s.DoubleClick(ctx, "#doubleClickBtn"))
	require.NoError(t, s.RightClick(ctx, "#rightClickBtn"))
	require.NoError(t, s.Click(ctx, "text=Click Me"))
	assert.Equal(t, "You have done a double click", text(t, ctx, s, "#doubleClickMessage"))
	assert.Equal(t, "You have done a right click", text(t, ctx, s, "#rightClickMessage"))
	assert.Equal(t, "You have done a dynamic click", text(t, ctx, s, "#dynamicClickMessage"))
}

// New tab, new window, and a message window written into about:blank.
func TestPractice_DemoQA_BrowserWindows(t *testing.T) {
	t.Parallel()
	ctx, s, base := demoqa(t, "/browser-windows")
	for _, sel := range []string{"#tabButton", "text=New Window"} {
		pop, err := s.ExpectPopup(ctx, func(ctx context.Context) error { return s.Click(ctx, sel) })
		require.NoError(t, err, sel)
		assert.Equal(t, "This is a sample page", text(t, ctx, pop, "#sampleHeading"), sel)
		assert.Equal(t, base+"/sample", pop.URL(), sel)
		require.NoError(t, pop.Close())
	}
	pop, err := s.ExpectPopup(ctx, func(ctx context.Context) error { return s.Click(ctx, "#messageWindowButton") })
	require.NoError(t, err)
	assert.Contains(t, text(t, ctx, pop, "body"), "Knowledge increases by sharing but not by saving.")
	require.NoError(t, pop.Close())
	// The opener is still ours.
	assert.Equal(t, "New Tab", text(t, ctx, s, "#tabButton"))
}

// A button enabled after 5s, a class added after 5s, a button rendered after 5s: within one
// default attempt (10s).
func TestPractice_DemoQA_DynamicProperties(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/dynamic-properties")
	assert.Equal(t, "This text has random Id", text(t, ctx, s, "text=random Id"))
	require.NoError(t, s.Click(ctx, "#enableAfter"))
	assert.Equal(t, "clicked 1", text(t, ctx, s, "#clicks"))
	require.NoError(t, s.WaitFor(ctx, "#colorChange.text-danger"))
	require.NoError(t, s.Click(ctx, "text=Visible After 5 Seconds"))
}

// Bootstrap tooltips shown a moment after the pointer enters, gone when it leaves.
func TestPractice_DemoQA_ToolTips(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/tool-tips")
	require.NoError(t, s.Hover(ctx, "#toolTipButton"))
	assert.Equal(t, "You hovered over the Button", text(t, ctx, s, ".tooltip-inner"))
	require.NoError(t, s.Hover(ctx, "#toolTipTextField"))
	require.NoError(t, s.WaitForText(ctx, ".tooltip-inner", "text field"))
	require.NoError(t, s.Hover(ctx, "text=Contrary"))
	require.NoError(t, s.WaitForText(ctx, "role=tooltip", "You hovered over the Contrary"))
}

// A list sorted with mouse events.
func TestPractice_DemoQA_Sortable(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/sortable")
	require.NoError(t, s.Drag(ctx, "text=One", "text=Three"))
	recs, err := s.Extract(ctx, ".vertical-list-container .list-group-item", map[string]string{"t": ""})
	require.NoError(t, err)
	var order []string
	for _, r := range recs {
		order = append(order, r["t"])
	}
	assert.Equal(t, []string{"Two", "Three", "One", "Four", "Five", "Six"}, order)
}

// Bootstrap modals that fade and slide in and out.
func TestPractice_DemoQA_ModalDialogs(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/modal-dialogs")
	require.NoError(t, s.Click(ctx, "#showSmallModal"))
	assert.Equal(t, "This is a small modal. It has very less content", text(t, ctx, s, ".modal-body"))
	require.NoError(t, s.Click(ctx, "text=Close"), "the visible Close, not the × button's screen-reader text")
	require.NoError(t, s.WaitForState(ctx, ".modal", actions.Detached))

	require.NoError(t, s.Click(ctx, "text=Large modal"), "the small modal's backdrop is gone")
	assert.Equal(t, "Large Modal", text(t, ctx, s, "#example-modal-sizes-title-lg"))
	// Two buttons are named Close (the header's ×, whose name is its screen-reader text, and
	// the footer's): the refusal names both, so the next selector is easy.
	err := s.Click(ctx, `role=button[name="Close"]`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `matches 2 elements (button.close "× Close", button#closeLargeModal "Close")`)
	require.NoError(t, s.Click(ctx, "text=×"))
	require.NoError(t, s.WaitForState(ctx, ".modal", actions.Detached))
	require.NoError(t, s.Click(ctx, "#showSmallModal"), "the page answers again")
	assert.Equal(t, "Small Modal", text(t, ctx, s, "#example-modal-sizes-title-sm"))
}

// Sections whose height animates open and shut.
func TestPractice_DemoQA_Accordion(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/accordian")
	require.NoError(t, s.Click(ctx, "text=Where does it come from?"))
	require.NoError(t, s.WaitFor(ctx, "#section2Content"))
	assert.Equal(t, "Contrary to popular belief, Lorem Ipsum is not simply random text.", text(t, ctx, s, "#section2Content"))
	require.NoError(t, s.Click(ctx, "#section1Heading"))
	require.NoError(t, s.WaitForState(ctx, "#section1Content", actions.Hidden))
	require.NoError(t, s.Click(ctx, "#section3Heading"))
	require.NoError(t, s.WaitForText(ctx, "#section3Content", "long established fact"))
}

// Tabs (links with href="#") and a disabled one.
func TestPractice_DemoQA_Tabs(t *testing.T) {
	t.Parallel()
	ctx, s, base := demoqa(t, "/tabs")
	require.NoError(t, s.Click(ctx, `role=tab[name="Origin"]`))
	require.NoError(t, s.WaitFor(ctx, "#demo-tabpane-origin"))
	assert.Contains(t, text(t, ctx, s, "#demo-tabpane-origin"), "classical Latin literature")
	sel, _, err := s.Attr(ctx, "#demo-tab-origin", "aria-selected")
	require.NoError(t, err)
	assert.Equal(t, "true", sel)
	require.NoError(t, s.Click(ctx, "text=Use"))
	require.NoError(t, s.WaitFor(ctx, "#demo-tabpane-use"))
	assert.Equal(t, base+"/tabs", s.URL(), "href=# is no navigation")

	// A tab that stays disabled is waited for (as a button enabled later is), then refused
	// saying so.
	err = s.Click(once(ctx), "#demo-tab-more")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stayed disabled")
}

// A data: URL download with a download attribute; a plain file input.
func TestPractice_DemoQA_UploadDownload(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/upload-download")
	dir := t.TempDir()
	d, err := s.ExpectDownload(ctx, dir, func(ctx context.Context) error { return s.Click(ctx, "text=Download") })
	require.NoError(t, err)
	assert.Equal(t, "sampleFile.jpeg", d.Name)
	got, err := os.ReadFile(d.Path)
	require.NoError(t, err)
	assert.Equal(t, replica.SampleJPEG, got)

	file := filepath.Join(t.TempDir(), "cv.pdf")
	require.NoError(t, os.WriteFile(file, []byte("%PDF-1.4"), 0o644))
	require.NoError(t, s.SetFiles(ctx, "#uploadFile", file))
	assert.Equal(t, `C:\fakepath\cv.pdf`, text(t, ctx, s, "#uploadedFilePath"))
}

// A controlled range input.
func TestPractice_DemoQA_Slider(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/slider")
	require.NoError(t, s.Fill(ctx, "input[type=range]", "70"))
	assert.Equal(t, "70", value(t, ctx, s, "#sliderValue"))
	assert.Equal(t, "70", value(t, ctx, s, ".range-slider"))
}

// react-datepicker: typed over the selection, Enter closes the calendar.
func TestPractice_DemoQA_DatePicker(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/date-picker")
	require.NoError(t, s.Fill(ctx, "#datePickerMonthYearInput", "05/17/1990"))
	require.NoError(t, s.Press(ctx, "#datePickerMonthYearInput", "Enter"))
	require.NoError(t, s.WaitForState(ctx, ".react-datepicker-popper", actions.Detached))
	assert.Equal(t, "05/17/1990", value(t, ctx, s, "#datePickerMonthYearInput"))
	assert.Equal(t, "Thu May 17 1990", text(t, ctx, s, "#picked"))
}

// The student registration form: controlled inputs, custom radios and checkboxes, a date
// picker, a react-select multi autocomplete, a file, and two dependent react-select dropdowns
// near the bottom of the page, under the fixed advertisement.
func TestPractice_DemoQA_PracticeForm(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/automation-practice-form")
	pic := filepath.Join(t.TempDir(), "photo.jpg")
	require.NoError(t, os.WriteFile(pic, replica.SampleJPEG, 0o644))

	require.NoError(t, s.Fill(ctx, "#firstName", "Ada"))
	require.NoError(t, s.Fill(ctx, "#lastName", "Lovelace"))
	require.NoError(t, s.Fill(ctx, "#userEmail", "ada@example.com"))
	require.NoError(t, s.Check(ctx, "#gender-radio-2"))
	require.NoError(t, s.Fill(ctx, "#userNumber", "0123456789"))
	require.NoError(t, s.Fill(ctx, "#dateOfBirthInput", "10 Dec 1815"))
	require.NoError(t, s.Press(ctx, "#dateOfBirthInput", "Enter"))
	require.NoError(t, s.Fill(ctx, "#subjectsInput", "Math"))
	require.NoError(t, s.Press(ctx, "#subjectsInput", "Enter"))
	require.NoError(t, s.Fill(ctx, "#subjectsInput", "phy"))
	require.NoError(t, s.Press(ctx, "#subjectsInput", "Enter"))
	require.NoError(t, s.Check(ctx, "#hobbies-checkbox-2"))
	require.NoError(t, s.Check(ctx, "text=Music"))
	require.NoError(t, s.SetFiles(ctx, "#uploadPicture", pic))
	require.NoError(t, s.Fill(ctx, "#currentAddress", "St James's Square"))
	require.NoError(t, s.Click(ctx, "#state"))
	require.NoError(t, s.Fill(ctx, "#react-select-3-input", "NCR"))
	require.NoError(t, s.Press(ctx, "#react-select-3-input", "Enter"))
	require.NoError(t, s.Click(ctx, "#city"))
	require.NoError(t, s.Click(ctx, "text=Noida"))
	require.NoError(t, s.Click(ctx, "#submit"))

	assert.Equal(t, "Thanks for submitting the form", text(t, ctx, s, "#example-modal-sizes-title-lg"))
	want := map[string]string{
		"Student Name": "Ada Lovelace", "Student Email": "ada@example.com", "Gender": "Female", "Mobile": "0123456789",
		"Date of Birth": "10 December,1815", "Subjects": "Maths, Physics", "Hobbies": "Reading, Music",
		"Picture": "photo.jpg", "Address": "St James's Square", "State and City": "NCR Noida",
	}
	recs, err := s.Extract(ctx, ".modal-body tbody tr", map[string]string{"label": "td:nth-child(1)", "value": "td:nth-child(2)"})
	require.NoError(t, err)
	got := map[string]string{}
	for _, r := range recs {
		got[r["label"]] = strings.TrimSpace(r["value"])
	}
	assert.Equal(t, want, got)
}

// The same form with the other selectors a new user tries first: the dropdowns' container ids
// (the input inside is typed into), the custom checkbox and radio inputs themselves (under
// their labels' drawn boxes: clicked through the labels).
func TestPractice_DemoQA_PracticeFormWidgetIDs(t *testing.T) {
	t.Parallel()
	ctx, s, _ := demoqa(t, "/automation-practice-form")
	require.NoError(t, s.Fill(ctx, `role=textbox[name="First Name"]`, "Grace"))
	require.NoError(t, s.Fill(ctx, `role=textbox[name="Last Name"]`, "Hopper"))
	require.NoError(t, s.Click(ctx, "#gender-radio-1"))
	require.NoError(t, s.Fill(ctx, "#userNumber", "9876543210"))
	require.NoError(t, s.Click(ctx, "#hobbies-checkbox-1"))
	require.NoError(t, s.Fill(ctx, "#subjectsContainer", "comp"))
	require.NoError(t, s.Press(ctx, "", "Enter"))
	require.NoError(t, s.Fill(ctx, "#state", "Har"))
	require.NoError(t, s.Press(ctx, "", "Enter"))
	require.NoError(t, s.Fill(ctx, "#city", "pani"))
	require.NoError(t, s.Press(ctx, "", "Enter"))
	require.NoError(t, s.Click(ctx, "text=Submit"))
	recs, err := s.Extract(ctx, ".modal-body tbody tr", map[string]string{"label": "td:nth-child(1)", "value": "td:nth-child(2)"})
	require.NoError(t, err)
	got := map[string]string{}
	for _, r := range recs {
		got[r["label"]] = r["value"]
	}
	assert.Equal(t, "Grace Hopper", got["Student Name"])
	assert.Equal(t, "Male", got["Gender"])
	assert.Equal(t, "Sports", got["Hobbies"])
	assert.Equal(t, "Computer Science", got["Subjects"])
	assert.Equal(t, "Haryana Panipat", got["State and City"])
}
