// A fixed number of slots for one kind of heavy work (a /Bulk request): the requests past it wait, holding only their
// raw body, instead of all expanding into parsed documents and results at once.
#pragma once

#include <cstddef>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace server {

class WorkSlots {
public:
    /// A slot, given back when it goes out of scope.
    class Slot {
    public:
        explicit Slot(WorkSlots* owner) : owner_(owner) {}
        Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
        Slot& operator=(Slot&&) = delete;
        ~Slot() {
            if (owner_) owner_->release();
        }

    private:
        WorkSlots* owner_;
    };

    WorkSlots(boost::asio::any_io_executor executor, std::size_t slots) : taken_(std::move(executor), slots) {}

    /// Waits, without holding a thread, until a slot is free.
    boost::asio::awaitable<Slot> acquire() {
        co_await taken_.async_send(boost::system::error_code{}, boost::asio::use_awaitable);
        co_return Slot(this);
    }

private:
    void release() {
        taken_.try_receive([](boost::system::error_code) {});  // also lets the longest waiter take the slot
    }

    // One message per slot taken: sending waits while every slot is.
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> taken_;
};

}  // namespace server
