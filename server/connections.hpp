// The open connections of a server, so that a shutdown can close the idle ones and wait for the busy ones.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace server {

class Connections {
public:
    // Touched only on the connection's own strand, except `executor`, which is immutable.
    struct Entry {
        boost::asio::any_io_executor executor;
        boost::beast::tcp_stream* stream = nullptr;
        bool idle = true;
    };

    std::shared_ptr<Entry> add(boost::asio::any_io_executor executor) {
        auto entry = std::make_shared<Entry>(Entry{std::move(executor)});
        std::lock_guard lock(mutex_);
        entries_.insert(entry);
        return entry;
    }

    void remove(std::shared_ptr<Entry> const& entry) {
        std::function<void()> drained;
        {
            std::lock_guard lock(mutex_);
            entries_.erase(entry);
            if (stopping_ && entries_.empty()) drained = on_drained_;
        }
        if (drained) drained();
    }

    bool stopping() const noexcept { return stopping_.load(); }

    // Marks the server as stopping and closes every connection that waits for a request.
    void stop(std::function<void()> on_drained) {
        std::vector<std::shared_ptr<Entry>> entries;
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            on_drained_ = on_drained;
            entries.assign(entries_.begin(), entries_.end());
        }
        if (entries.empty()) on_drained();
        for (auto const& entry : entries)
            boost::asio::post(entry->executor, [entry] {
                if (entry->stream && entry->idle) entry->stream->cancel();
            });
    }

    std::size_t size() {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    std::mutex mutex_;
    std::unordered_set<std::shared_ptr<Entry>> entries_;
    std::atomic<bool> stopping_{false};
    std::function<void()> on_drained_;
};

}  // namespace server
