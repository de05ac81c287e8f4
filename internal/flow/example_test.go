package flow_test

import (
	"fmt"

	"github.com/smartretry/smartretry/internal/flow"
)

func ExampleParse() {
	env := func(name string) (string, bool) {
		v, ok := map[string]string{"SITE": "http://127.0.0.1:8080", "PASSWORD": "hunter2"}[name]
		return v, ok
	}
	f, err := flow.Parse([]byte(`
start_url: ${SITE}/login
variables:
  password: {value: "${PASSWORD}", secret: true}
steps:
  - fill: {selector: "#password", value: "${password}"}
  - click: "button[type=submit]"
`), flow.Options{File: "login.yaml", Env: env})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range f.Steps {
		fmt.Println(s) // templates only: a secret is never printed
	}
	v, secret, _ := f.Resolve(f.Steps[0].Get("value"), flow.Item{})
	fmt.Println(len(v), secret)

	_, err = flow.Parse([]byte("start_url: ${SITE}/\nsteps:\n  - clik: '#buy'\n"), flow.Options{File: "bad.yaml", Env: env})
	fmt.Println(err)
	// Output:
	// fill #password = ${password}
	// click button[type=submit]
	// 7 true
	// bad.yaml:3:5: steps[0].clik: unknown field "clik" (did you mean "click"?)
}
