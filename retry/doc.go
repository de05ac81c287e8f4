// Package retry is the engine of smartretry: it decides whether, when and how to retry a failed
// browser action, and learns from what happened. It is the Go form of the smart-retry guide and
// imports no browser code.
//
// # The story of a failure
//
// An attempt fails. Classify turns the error into an ErrorType: typed errors first (classifiers
// registered with RegisterClassifier or WithClassifier, *HTTPError by status, net timeouts,
// ECONNRESET…, context.DeadlineExceeded), then the message text ("429", "timed out",
// "net::ERR_CONNECTION_RESET", "captcha"…). Each type has a Config (DefaultConfig is the guide's
// table): how many attempts and which backoff Strategy. The Manager's ShouldRetry then says yes
// or no with a reason whose text is part of the contract ("not_found is not retryable",
// "Retry #1 with immediate backoff (0ms delay)", "Domain example.com in cooloff for 60.0s").
//
// Around that decision the Manager keeps, per process (Default) or per Manager:
//
//   - a circuit breaker per domain (Info.Domain) that opens when the site is failing, not when
//     one page is: only site failures count (server_error and rate_limit once per distinct URL
//     in the window, connection_reset, network_timeout and unknown every time; page-level and
//     permanent types never). The count form (the default, the guide's) opens after 3 such
//     failures in 30s for 60s; the ratio form (WithBreaker(BreakerPolicy{FailureRatio: 0.5,
//     MinThroughput: 10, …}), as in Polly and resilience4j) opens on a failure share once
//     enough attempts were seen. After the cooloff exactly one probe goes through (half-open);
//     a success closes it;
//   - a cooloff per domain: a 429 or 5xx with a Retry-After pauses the whole domain for every
//     call of the Manager (capped by WithMaxRetryAfter);
//   - failure patterns (action + type + domain) and the solution that preceded the next success
//     ("resnapshot", "reload"…), which Recommend offers the next time;
//   - stuck-loop detection: the same action with the same Info failing the same way 5 times in
//     a row, across attempts and Runs, is refused whatever the budget (ErrStuck);
//   - the server's Retry-After, honoured (delay = max(backoff, Retry-After)) up to
//     WithMaxRetryAfter, refused above it;
//   - Stats, and an Event for every decision (WithObserver), and a zap debug line (WithLogger).
//
// An open breaker or a cooloff is not the failure of the actions that meet it: Run (and so Do,
// DoValue, PartialRetry and every browser action built on them) waits for it through the Clock,
// emitting an EventBreakerWait, and goes on when the probe has closed it. Only a call that may
// not wait that long (WithMaxBreakerWait, default DefaultMaxBreakerWait = 15 min;
// MaxBreakerWait per call; a ctx deadline too close) gives up, typed CircuitOpen, matching
// ErrCircuitOpen, with the cooloff left in its message and in RetryAfterOf: run it again later.
// A call made inside the half-open probe (with the ctx its fn got) is part of that probe and
// goes through. Manager.AwaitDomain waits for a domain (and takes its probe) without running
// anything: for a caller that must not wait while it holds what the probe may need.
//
// Learnt state lives in a Store, one atomic step per method: a MemoryStore by default (bounded
// by WithMemoryLimit), or any other through WithStore — a store shared by many workers
// (retry/redisstore) makes them share breakers, cooloffs, patterns and stuck counters.
//
// # Calling code with retries
//
// Do, DoValue and Run are the guide's decorator and context manager: ctx first, every wait
// through the Manager's Clock (abandoned the moment ctx ends), no wait after the last attempt,
// and one *Error on give-up that matches ErrPermanent, ErrExhausted, ErrCircuitOpen, ErrEscalate
// or ErrStuck with errors.Is and unwraps to the last error. Run's function gets an *Attempt:
// its number, the last error, Info it may change for the next attempt (ModifyOnRetry), and
// SetSolution to name the repair it applied. Captcha and auth failures go to an OnEscalate hook
// when one is given. PartialRetry runs a batch and retries only the failed items.
//
// Tests inject retrytest.FakeClock and never sleep.
//
// Everything here is safe for concurrent use unless its documentation says otherwise.
package retry
