import Testing

@Suite("The test reader of the Prometheus text format")
struct PrometheusTextTests {
    @Test("samples, labels with escapes, HELP and TYPE, special values and histograms are read")
    func readsExposition() throws {
        // given
        let text = #"""
            # HELP a_total Things, with a \\ backslash.
            # TYPE a_total counter
            a_total{path="/x\"y\\z",kind="b"} 3
            a_total{path="two\nlines",kind="b"} 4.5 1700000000000
            # TYPE g gauge
            g +Inf
            # TYPE h histogram
            h_bucket{s="x",le="1.0"} 1
            h_bucket{s="x",le="+Inf"} 2
            h_sum{s="x"} 7.5
            h_count{s="x"} 2
            """#
        // when
        let metrics = try PrometheusText(parsing: text)
        // then
        #expect(metrics.help["a_total"] == #"Things, with a \ backslash."#)
        #expect(metrics.types == ["a_total": "counter", "g": "gauge", "h": "histogram"])
        #expect(metrics.value("a_total", ["path": #"/x"y\z"#, "kind": "b"]) == 3)
        #expect(metrics.value("a_total", ["path": "two\nlines", "kind": "b"]) == 4.5)
        #expect(metrics.value("g") == .infinity)
        let histogram = try #require(metrics.histogram("h", ["s": "x"]))
        #expect(histogram.buckets.map(\.bound) == [1, .infinity])
        #expect(histogram.sum == 7.5 && histogram.count == 2 && histogram.isCumulative)
    }

    @Test("malformed lines, repeated series and late TYPE lines are rejected", arguments: [
        "a{b=\"c\" 1",
        "a{b=c} 1",
        "a one",
        "a 1\na 2",
        "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 1",
        "a 1\n# TYPE a gauge",
        "# TYPE a gauge\n# TYPE a counter",
    ])
    func rejects(text: String) {
        #expect(throws: PrometheusText.ParseError.self) { try PrometheusText(parsing: text) }
    }
}
