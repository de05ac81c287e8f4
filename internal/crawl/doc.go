// Package crawl holds the parts of a crawl that need no browser: what makes two URLs the same
// page (Normalizer), which links a crawl may follow (Scope, Pattern), each page once per stage
// within the limits (Frontier), how fast one site may be asked (Limiter: at most N pages of a
// domain at once, a minimum delay, and an adaptive rate that backs off on 429/503 or slow answers
// and creeps back up while the site is healthy, like Scrapy's AutoThrottle), and what a site's
// robots.txt allows (Robots, fetched once per origin and cached, Crawl-delay honoured), and
// which pages a site's sitemaps list (SitemapReader: plain HTTP, indexes, gzip, the protocol's
// limits, retried by the engine; ParseSitemap, fuzzed).
//
// Many workers crawling one job share a Limiter's limits through a Coordinator (the job's
// Redis: queue.Redis.Coordinator): a domain's slots and its adaptive delay are the job's, and
// when the Coordinator does not answer each worker goes on with its own.
//
// The runner (internal/runner) drives these with real pages; everything here is tested with an
// injected clock and no sleeping (the Coordinator's tests use a real redis-server).
package crawl
