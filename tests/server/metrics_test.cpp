// The Prometheus text exposition format as a scraper reads it.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "server/metrics.hpp"
#include "server/server_metrics.hpp"

using namespace server::metrics;

namespace {

bool has_line(std::string const& text, std::string const& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("a counter family renders HELP, TYPE and one sample per label set") {
    Registry r;
    auto& requests = r.counter("scimd_things_total", "Things done.", {"route", "method"});
    requests.with({"/Users", "GET"}).inc();
    requests.with({"/Users", "GET"}).inc(2);
    requests.with({"/Users/{id}", "PUT"}).inc();
    auto const text = r.render();
    CHECK(has_line(text, "# HELP scimd_things_total Things done."));
    CHECK(has_line(text, "# TYPE scimd_things_total counter"));
    CHECK(has_line(text, "scimd_things_total{route=\"/Users\",method=\"GET\"} 3"));
    CHECK(has_line(text, "scimd_things_total{route=\"/Users/{id}\",method=\"PUT\"} 1"));
}

TEST_CASE("label values escape backslash, double quote and newline") {
    CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    Registry r;
    r.counter("x_total", "x", {"v"}).with({"say \"hi\"\n"}).inc();
    CHECK(has_line(r.render(), "x_total{v=\"say \\\"hi\\\"\\n\"} 1"));
}

TEST_CASE("a histogram renders cumulative buckets up to +Inf with _sum and _count") {
    Registry r;
    auto& h = r.histogram("d_seconds", "Durations.", {"route"}, {0.1, 1});
    auto& users = h.with({"/Users"});
    users.observe(0.05);
    users.observe(0.1);  // on the bound: counted in its bucket (le is "less or equal")
    users.observe(0.5);
    users.observe(7);
    auto const text = r.render();
    CHECK(has_line(text, "# TYPE d_seconds histogram"));
    CHECK(has_line(text, "d_seconds_bucket{route=\"/Users\",le=\"0.1\"} 2"));
    CHECK(has_line(text, "d_seconds_bucket{route=\"/Users\",le=\"1\"} 3"));
    CHECK(has_line(text, "d_seconds_bucket{route=\"/Users\",le=\"+Inf\"} 4"));
    CHECK(has_line(text, "d_seconds_sum{route=\"/Users\"} 7.65"));
    CHECK(has_line(text, "d_seconds_count{route=\"/Users\"} 4"));
}

TEST_CASE("a histogram without labels writes le as its only label") {
    Registry r;
    r.histogram("w_seconds", "Waits.", {}, {1}).with({}).observe(2);
    auto const text = r.render();
    CHECK(has_line(text, "w_seconds_bucket{le=\"1\"} 0"));
    CHECK(has_line(text, "w_seconds_bucket{le=\"+Inf\"} 1"));
    CHECK(has_line(text, "w_seconds_sum 2"));
}

TEST_CASE("gauges, read at render time or set, and sample values as the format spells them") {
    Registry r;
    double level = 3;
    r.gauge_callback("level", "A level.", [&] { return level; });
    auto& g = r.gauge("in_flight", "In flight.").with({});
    g.add(2);
    g.add(-1);
    level = 5;
    auto const text = r.render();
    CHECK(has_line(text, "level 5"));
    CHECK(has_line(text, "in_flight 1"));
    CHECK(format_value(0.0005) == "0.0005");
    CHECK(format_value(12) == "12");
    CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
    CHECK(format_value(std::nan("")) == "NaN");
}

TEST_CASE("a metric name registered twice, or a series with the wrong number of labels, is a programming error") {
    Registry r;
    auto& f = r.counter("a_total", "A.", {"x"});
    CHECK_THROWS(r.counter("a_total", "again"));
    CHECK_THROWS(f.with({}));
    CHECK_THROWS(f.with({"1", "2"}));
}

TEST_CASE("the server's request metrics use the status class and a closed set of methods") {
    server::ServerMetrics m;
    m.request("/Users/{id}", "GET", 404, 0.002);
    m.request("/Users/{id}", "BREW", 405, 0.001);
    auto const text = m.registry.render();
    CHECK(has_line(text, "scimd_http_requests_total{route=\"/Users/{id}\",method=\"GET\",status_class=\"4xx\"} 1"));
    CHECK(has_line(text, "scimd_http_requests_total{route=\"/Users/{id}\",method=\"other\",status_class=\"4xx\"} 1"));
    CHECK(text.find("process_resident_memory_bytes ") != std::string::npos);
    CHECK(text.find("process_start_time_seconds ") != std::string::npos);
}
