package actions

import (
	"context"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/smartretry/smartretry/retry"
)

// Drag drags the one element from names onto the one element to names, with the left mouse
// button, as a person does: press at from's centre, move in steps to to's centre, release. Both
// are waited for until actionable, as for Click.
//
// It works for both kinds of drag-and-drop pages use:
//   - mouse-event libraries (jQuery UI, SortableJS's fallback, canvas editors) see mousedown, a
//     run of mousemove and mouseup;
//   - HTML5 native drag and drop (draggable="true", dragstart/dragover/drop, the-internet's
//     /drag_and_drop), which headless Chromium does not start from synthetic mouse events: the
//     drag the press starts is intercepted (Input.setInterceptDrags) and its data carried to the
//     target with dragenter, dragover and drop (Input.dispatchDragEvent).
//
// Drag does not check what the page made of the drop (read the page after it). A drag that fails
// half-way releases the button before the next attempt.
func (s *Session) Drag(ctx context.Context, from, to string) error {
	return s.run(ctx, spec{action: "drag", selector: from}, func(p *rod.Page, a *retry.Attempt) error {
		src, err := s.locate(p, "drag", locateReq{Sel: from, Strict: true, State: stateActionable, Op: "hover"})
		if err != nil {
			return err
		}
		// The target may be under the source's own drag image later; it only has to be there now.
		dst, err := s.locate(p, "drag", locateReq{Sel: to, Strict: true, State: stateActionable, Op: "hover"})
		if err != nil {
			return err
		}
		// Locating the target may have scrolled the page: the source's point is read again.
		if src, err = s.locate(p, "drag", locateReq{Sel: from, Strict: true, State: stateActionable, Op: "hover"}); err != nil {
			return err
		}
		return dragBetween(p, src.X, src.Y, dst.X, dst.Y)
	})
}

// dragSteps is how many mousemove events carry the pointer from the source to the target.
const dragSteps = 10

// dragBetween presses at (x1, y1), moves to (x2, y2) and releases, handing a native drag that
// starts on the way to dispatchDragEvent.
func dragBetween(p *rod.Page, x1, y1, x2, y2 float64) error {
	if err := (proto.InputSetInterceptDrags{Enabled: true}).Call(p); err != nil {
		return err
	}
	ectx, stop := context.WithCancel(p.GetContext())
	started := make(chan *proto.InputDragData, 1)
	wait := p.Context(ectx).EachEvent(func(e *proto.InputDragIntercepted) bool {
		started <- e.Data
		return true
	})
	done := make(chan struct{})
	go func() { defer close(done); wait() }()
	defer func() {
		stop()
		<-done
		ctx, cancel := context.WithTimeout(context.WithoutCancel(p.GetContext()), hungProbe)
		defer cancel()
		_ = proto.InputSetInterceptDrags{Enabled: false}.Call(p.Context(ctx))
	}()

	move := func(x, y float64, buttons int) error {
		return proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: x, Y: y,
			Button: proto.InputMouseButtonLeft, Buttons: &buttons}.Call(p)
	}
	if err := move(x1, y1, 0); err != nil {
		return err
	}
	one, zero := 1, 0
	if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMousePressed, X: x1, Y: y1,
		Button: proto.InputMouseButtonLeft, Buttons: &one, ClickCount: 1}).Call(p); err != nil {
		return err
	}
	endX, endY := x1, y1
	release := func() error {
		return proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseReleased, X: endX, Y: endY,
			Button: proto.InputMouseButtonLeft, Buttons: &zero, ClickCount: 1}.Call(p)
	}
	released := false
	defer func() {
		if !released {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(p.GetContext()), hungProbe)
			defer cancel()
			_ = proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseReleased, X: endX, Y: endY,
				Button: proto.InputMouseButtonLeft, Buttons: &zero, ClickCount: 1}.Call(p.Context(ctx))
		}
	}()
	for i := 1; i <= dragSteps; i++ {
		endX, endY = x1+(x2-x1)*float64(i)/dragSteps, y1+(y2-y1)*float64(i)/dragSteps
		if err := move(endX, endY, 1); err != nil {
			return err
		}
		select {
		case data := <-started:
			// A native drag began: the rest of the gesture is drag events with its data.
			endX, endY = x2, y2
			for _, t := range []proto.InputDispatchDragEventType{proto.InputDispatchDragEventTypeDragEnter,
				proto.InputDispatchDragEventTypeDragOver, proto.InputDispatchDragEventTypeDrop} {
				if err := (proto.InputDispatchDragEvent{Type: t, X: x2, Y: y2, Data: data}).Call(p); err != nil {
					return err
				}
			}
			released = true
			return release()
		default:
		}
	}
	// The page may start a native drag on the last move: give its event a moment.
	select {
	case data := <-started:
		for _, t := range []proto.InputDispatchDragEventType{proto.InputDispatchDragEventTypeDragEnter,
			proto.InputDispatchDragEventTypeDragOver, proto.InputDispatchDragEventTypeDrop} {
			if err := (proto.InputDispatchDragEvent{Type: t, X: x2, Y: y2, Data: data}).Call(p); err != nil {
				return err
			}
		}
	case <-time.After(50 * time.Millisecond):
	}
	released = true
	return release()
}
