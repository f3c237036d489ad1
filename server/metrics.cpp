// The text exposition format of Prometheus metrics.
#include "server/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <type_traits>

namespace server::metrics {

void Gauge::add(double v) noexcept {
    auto current = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(current, current + v, std::memory_order_relaxed)) {
    }
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double v) noexcept {
    std::size_t bucket = 0;
    while (bucket < bounds_.size() && v > bounds_[bucket]) ++bucket;
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.add(v);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot out;
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        total += counts_[i].load(std::memory_order_relaxed);
        out.cumulative.push_back(total);
    }
    out.sum = sum_.value();
    return out;
}

std::vector<double> latency_buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <class Metric>
Metric& Family<Metric>::with(Labels const& values) {
    if (values.size() != label_names_.size()) throw std::logic_error("a metric series with the wrong label count");
    std::lock_guard lock(mutex_);
    auto& slot = series_[values];
    if (!slot) {
        if constexpr (std::is_same_v<Metric, Histogram>)
            slot = std::make_unique<Histogram>(bounds_);
        else
            slot = std::make_unique<Metric>();
    }
    return *slot;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<long long>(value));
    char buffer[32];
    for (int precision = 6; precision <= 17; ++precision) {  // the shortest text that reads back as the same double
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (std::strtod(buffer, nullptr) == value) break;
    }
    return buffer;
}

Registry::Entry& Registry::add(std::string name, std::string help, std::string type) {
    for (auto const& e : entries_)
        if (e->name == name) throw std::logic_error("metric " + name + " registered twice");
    auto entry = std::make_unique<Entry>();
    entry->name = std::move(name);
    entry->help = std::move(help);
    entry->type = std::move(type);
    entries_.push_back(std::move(entry));
    return *entries_.back();
}

Family<Counter>& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
    auto& e = add(std::move(name), std::move(help), "counter");
    e.counters.reset(new Family<Counter>(std::move(label_names)));
    return *e.counters;
}

Family<Gauge>& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
    auto& e = add(std::move(name), std::move(help), "gauge");
    e.gauges.reset(new Family<Gauge>(std::move(label_names)));
    return *e.gauges;
}

Family<Histogram>& Registry::histogram(std::string name, std::string help, std::vector<std::string> label_names,
                                       std::vector<double> upper_bounds) {
    auto& e = add(std::move(name), std::move(help), "histogram");
    e.histograms.reset(new Family<Histogram>(std::move(label_names), std::move(upper_bounds)));
    return *e.histograms;
}

void Registry::gauge_callback(std::string name, std::string help, std::function<double()> read) {
    add(std::move(name), std::move(help), "gauge").read = std::move(read);
}

namespace {

// `{a="x",b="y"` without the closing brace, so a histogram can add its le label; empty when there are no labels.
std::string label_text(std::vector<std::string> const& names, Labels const& values) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "{" : ",") + names[i] + "=\"" + escape_label_value(values[i]) + "\"";
    return out;
}

std::string closed(std::string const& labels) { return labels.empty() ? labels : labels + "}"; }

std::string help_text(std::string_view help) {
    std::string out;
    for (char c : help) out += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
    return out;
}

}  // namespace

std::string Registry::render() const {
    std::string out;
    for (auto const& e : entries_) {
        out += "# HELP " + e->name + " " + help_text(e->help) + "\n# TYPE " + e->name + " " + e->type + "\n";
        if (e->read) {
            out += e->name + " " + format_value(e->read()) + "\n";
        } else if (e->counters) {
            auto& f = *e->counters;
            std::lock_guard lock(f.mutex_);
            for (auto const& [values, metric] : f.series_)
                out += e->name + closed(label_text(f.label_names_, values)) + " " +
                       format_value(static_cast<double>(metric->value())) + "\n";
        } else if (e->gauges) {
            auto& f = *e->gauges;
            std::lock_guard lock(f.mutex_);
            for (auto const& [values, metric] : f.series_)
                out +=
                    e->name + closed(label_text(f.label_names_, values)) + " " + format_value(metric->value()) + "\n";
        } else if (e->histograms) {
            auto& f = *e->histograms;
            std::lock_guard lock(f.mutex_);
            for (auto const& [values, metric] : f.series_) {
                auto const labels = label_text(f.label_names_, values);
                auto const snap = metric->snapshot();
                auto const& bounds = metric->upper_bounds();
                auto const le = labels.empty() ? std::string("{le=\"") : labels + ",le=\"";
                for (std::size_t i = 0; i <= bounds.size(); ++i)
                    out += e->name + "_bucket" + le + (i < bounds.size() ? format_value(bounds[i]) : "+Inf") + "\"} " +
                           std::to_string(snap.cumulative[i]) + "\n";
                out += e->name + "_sum" + closed(labels) + " " + format_value(snap.sum) + "\n";
                out += e->name + "_count" + closed(labels) + " " + std::to_string(snap.cumulative.back()) + "\n";
            }
        }
    }
    return out;
}

}  // namespace server::metrics
