// Prometheus metrics in the text exposition format (version 0.0.4): counters, gauges and histograms, each a family
// of series told apart by label values. Written here rather than taken from prometheus-cpp, whose development files
// Debian bookworm does not ship; the format is small and this file is all of it. Updates are lock-free atomics;
// finding a series by its labels takes the family's lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace server::metrics {

/// Label values, in the order of the family's label names.
using Labels = std::vector<std::string>;

class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(double v) noexcept;
    double value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

/// Observations counted into buckets by upper bound; rendered cumulatively with _bucket, _sum and _count.
class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double v) noexcept;

    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
        double sum = 0;
    };
    Snapshot snapshot() const;
    std::vector<double> const& upper_bounds() const { return bounds_; }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, then +Inf
    Gauge sum_;
};

/// Buckets for durations in seconds, from 0.5 ms to 10 s.
std::vector<double> latency_buckets();

class Registry;

/// A metric name with its help text and label names; its series are made on first use and live as long as it does.
template <class Metric>
class Family {
public:
    /// The series with these label values (as many as the family has label names).
    Metric& with(Labels const& values);

private:
    friend class Registry;
    Family(std::vector<std::string> label_names, std::vector<double> bounds = {})
        : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

    std::vector<std::string> label_names_;
    std::vector<double> bounds_;  // histograms only
    mutable std::mutex mutex_;
    std::map<Labels, std::unique_ptr<Metric>> series_;
};

/// Every metric of a process, rendered in the order they were registered.
class Registry {
public:
    Family<Counter>& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
    Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
    Family<Histogram>& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds);
    /// A gauge without labels whose value is read when the metrics are rendered.
    void gauge_callback(std::string name, std::string help, std::function<double()> read);

    /// The text exposition format, for GET /metrics.
    std::string render() const;

private:
    struct Entry {
        std::string name, help, type;
        std::unique_ptr<Family<Counter>> counters;
        std::unique_ptr<Family<Gauge>> gauges;
        std::unique_ptr<Family<Histogram>> histograms;
        std::function<double()> read;
    };
    Entry& add(std::string name, std::string help, std::string type);

    std::vector<std::unique_ptr<Entry>> entries_;
};

/// A label value as the format writes it between quotes: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);
/// A sample value: integers without a fraction, +Inf, -Inf and NaN as the format spells them.
std::string format_value(double value);

}  // namespace server::metrics
